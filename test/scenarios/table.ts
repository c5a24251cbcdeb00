/**
 * Every behaviour of the node as one table: items, stand-in, parameters → outputs and what
 * ProductBridge saw. test/engine/scenarios.test.ts runs every row inside n8n-core's engine (the
 * gate for behaviour); test/e2e/scenarios.e2e.test.ts runs the rows marked `e2e` in a real n8n.
 * To add a scenario, add a row (test/scenarios/types.ts has its shape).
 */
import {
	ADA,
	ALAN,
	at,
	audit,
	byId,
	deleted,
	emails,
	found,
	getNotFound,
	GRACE,
	idAt,
	ids,
	inOrder,
	KATHERINE,
	MARGARET,
	NOBODY,
	notFound,
	STRANGER,
	STRANGER_2,
} from './cast.ts';
import { contains, matches, startsWith } from './types.ts';
import type { ExpectedItem, ExpectedObject, JsonObject, Scenario, TextMatch } from './types.ts';

const DELETE = { operation: 'delete' } as const;
const DELETE_OR_FAIL = { operation: 'delete', onNotFound: 'error' } as const;
const BY_EMAIL = { operation: 'delete', identifyBy: 'email' } as const;
const GET = { operation: 'get' } as const;
const GET_BY_EMAIL = { operation: 'get', identifyBy: 'email' } as const;

const NOT_LINKED = (id: string) => `ProductBridge has no user ${id} in this organization`;
const REJECTED_KEY = 'ProductBridge rejected the API key';
const NOT_THE_API = (status: number) =>
	`The Base URL does not lead to ProductBridge's API: {host} answered HTTP ${status}, not in ProductBridge's format`;
const UNKNOWN_OUTCOME_FIRST = 'An earlier try may have reached ProductBridge';
const MAY_OR_MAY_NOT = 'may or may not have removed them';
const override = (status: number, body: unknown, times = 1, path = '/users/delete') => ({
	statusOverride: [{ path, status, body, times }],
});

/** The item with its input fields and the error n8n routes to the error output. */
const failed = (
	input: JsonObject,
	error: string | TextMatch,
	message: string | TextMatch,
): ExpectedObject => ({ ...input, error, message });

// ------------------------------------------------------------------- the 60-row mixed batch

const MIXED_KINDS = [
	'linked',
	'unknown',
	'invalid',
	'duplicate, upper case',
	'linked, no hyphens',
	'duplicate unknown, padded',
] as const;
const MIXED_ROWS = Array.from({ length: 60 }, (_, row) => {
	const n = Math.floor(row / 6);
	const kind = MIXED_KINDS[row % 6];
	const userId: Record<(typeof MIXED_KINDS)[number], string> = {
		linked: idAt('5eed0000', n),
		unknown: idAt('dead0000', n),
		invalid: `R-${row}`,
		'duplicate, upper case': idAt('5eed0000', n).toUpperCase(),
		'linked, no hyphens': idAt('5eed0001', n).replace(/-/g, ''),
		'duplicate unknown, padded': ` ${idAt('dead0000', n)} `,
	};
	return { row, kind, user_id: userId[kind], email: `person${row}@example.com` };
});
const MIXED_LINKED = Array.from({ length: 10 }, (_, n) => [
	idAt('5eed0000', n),
	idAt('5eed0001', n),
]).flat();
const MIXED_FAILS = ['unknown', 'invalid', 'duplicate unknown, padded'];
const mixedMain: ExpectedItem[] = MIXED_ROWS.filter((row) => !MIXED_FAILS.includes(row.kind)).map(
	(row) => at(row.row, deleted(row.user_id)),
);
const mixedError: ExpectedItem[] = MIXED_ROWS.filter((row) => MIXED_FAILS.includes(row.kind)).map(
	(row) =>
		at(
			row.row,
			failed(
				row,
				row.kind === 'invalid'
					? `'${row.user_id}' is not a valid user ID [item ${row.row}]`
					: NOT_LINKED(row.user_id.trim()),
				contains(row.kind === 'invalid' ? 'UUID' : 'not linked to this organization'),
			),
		),
);

// ------------------------------------------------------------------- delete by email, 24 rows

const MEMBERS = Array.from({ length: 8 }, (_, index) => {
	const n = String(index + 1).padStart(2, '0');
	return {
		id: `3e3b0000-0000-4000-8000-0000000000${n}`,
		user_id: `5eed0e00-0000-4000-8000-0000000000${n}`,
		email: `member${n}@example.com`,
		name: `Member ${n}`,
	};
});
const EMAIL_ROWS: JsonObject[] = [
	{ row: 0, email: 'member01@example.com' },
	{ row: 1, email: 'ghost01@example.com' },
	{ row: 2, email: '' },
	{ row: 3, email: 'member02@example.com' },
	{ row: 4, email: 'member02@example.com' },
	{ row: 5, email: 'Member03@example.com' },
	{ row: 6, email: 'member03@example.com' },
	{ row: 7, email: 'ghost02@example.com' },
	{ row: 8, email: 'member09 at example.com' },
	{ row: 9, email: 'member04@example.com' },
	{ row: 10, email: ' member07@example.com ' },
	{ row: 11, email: 'ghost02@example.com' },
	{ row: 12 },
	{ row: 13, email: 'member05@example.com' },
	{ row: 14, email: 'member06@example.com' },
	{ row: 15, email: 'member07@example.com' },
	{ row: 16, email: 'member08@localhost' },
	{ row: 17, email: 'member08@example.com' },
	{ row: 18, email: 'ghost03@example.com' },
	{ row: 19, email: 'MEMBER01@EXAMPLE.COM' },
	{ row: 20, email: 42 },
	{ row: 21, email: 'member01@example.com' },
	{ row: 22, email: 'ghost01@example.com' },
	{ row: 23, email: 'member08@example.com' },
];
const emailOutcome = (row: JsonObject): ExpectedItem => {
	const index = row.row as number;
	const email = row.email;
	if (typeof email !== 'string' || email === '')
		return at(
			index,
			failed(
				row,
				typeof email === 'number'
					? `number ${email} is not a valid email address [item ${index}]`
					: `No email [item ${index}]`,
				contains("Check the 'Email' field"),
			),
		);
	if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.trim()))
		return at(
			index,
			failed(
				row,
				`'${email}' is not a valid email address [item ${index}]`,
				contains("Check the 'Email' field"),
			),
		);
	const member = MEMBERS.find((person) => person.email === email.trim());
	return at(index, member ? audit(member, 'deleted') : notFound(null, { email: email.trim() }));
};
const emailOutcomes = EMAIL_ROWS.map(emailOutcome);
const isFailure = (item: ExpectedItem) => 'error' in item.json;

// ------------------------------------------------------------------- the table

export const SCENARIOS: readonly Scenario[] = [
	// ---- deleting by user ID
	{
		name: 'deletes each linked user, paired with its input row',
		node: DELETE,
		onError: 'stopWorkflow',
		items: [
			{ ticket: 'HR-101', user_id: ADA.user_id },
			{ ticket: 'HR-102', user_id: GRACE.user_id },
			{ ticket: 'HR-103', user_id: ALAN.user_id },
		],
		expected: {
			main: inOrder(deleted(ADA.user_id), deleted(GRACE.user_id), deleted(ALAN.user_id)),
		},
		effects: {
			requests: { 'users/delete': 3 },
			sent: { 'users/delete': ids(ADA.user_id, GRACE.user_id, ALAN.user_id) },
			removed: [ADA.user_id, GRACE.user_id, ALAN.user_id],
		},
	},
	{
		name: 'a second run finds everybody gone: not_found, and the run succeeds',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(ADA.user_id, GRACE.user_id),
		standIn: { alreadyRemoved: [ADA.user_id, GRACE.user_id] },
		expected: { main: inOrder(notFound(ADA.user_id), notFound(GRACE.user_id)) },
		effects: { requests: { 'users/delete': 2 }, statuses: { '404': 2 }, removed: [] },
	},
	{
		name: 'accepts an id in any case, padded or without hyphens, and sends it in canonical form',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(`  ${ADA.user_id.toUpperCase()} `, GRACE.user_id.replace(/-/g, '')),
		expected: {
			main: inOrder(deleted(ADA.user_id.toUpperCase()), deleted(GRACE.user_id.replace(/-/g, ''))),
		},
		effects: {
			requests: { 'users/delete': 2 },
			sent: { 'users/delete': ids(ADA.user_id, GRACE.user_id) },
			removed: [ADA.user_id, GRACE.user_id],
		},
	},
	{
		name: 'a user listed three times (any spelling) is sent once; every item gets the outcome',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(ADA.user_id, ADA.user_id.toUpperCase(), ADA.user_id),
		expected: {
			main: inOrder(deleted(ADA.user_id), deleted(ADA.user_id.toUpperCase()), deleted(ADA.user_id)),
		},
		effects: {
			requests: { 'users/delete': 1 },
			sent: { 'users/delete': ids(ADA.user_id) },
			removed: [ADA.user_id],
		},
	},
	{
		name: 'reads the id from another field when the User ID expression says so',
		node: { ...DELETE, userId: '={{ $json.person.pbId }}' },
		onError: 'stopWorkflow',
		items: [{ person: { pbId: ALAN.user_id } }],
		expected: { main: inOrder(deleted(ALAN.user_id)) },
		effects: {
			requests: { 'users/delete': 1 },
			sent: { 'users/delete': ids(ALAN.user_id) },
			removed: [ALAN.user_id],
		},
	},
	{
		name: 'a Base URL typed with the API path and a trailing slash works',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(ADA.user_id),
		credential: { baseUrl: '{url}/api/external/v1/' },
		expected: { main: inOrder(deleted(ADA.user_id)) },
		effects: { requests: { 'users/delete': 1 }, removed: [ADA.user_id] },
	},

	// ---- a user who is not linked (404)
	{
		name: "not found, If User Not Found = Continue: status 'not_found', no error key",
		e2e: true,
		node: DELETE,
		onError: 'stopWorkflow',
		items: [
			{ ticket: 'HR-201', user_id: ADA.user_id },
			{ ticket: 'HR-202', user_id: STRANGER },
		],
		expected: { main: inOrder(deleted(ADA.user_id), notFound(STRANGER)) },
		effects: { requests: { 'users/delete': 2 }, removed: [ADA.user_id] },
	},
	{
		name: 'not found, Fail the Item + error output: the item leaves on output 1 with its input fields',
		e2e: true,
		node: DELETE_OR_FAIL,
		onError: 'continueErrorOutput',
		items: [
			{ user_id: ADA.user_id, email: 'ada@example.com' },
			{ user_id: STRANGER, email: 'who@example.com' },
		],
		expected: {
			main: inOrder(deleted(ADA.user_id)),
			error: [
				at(
					1,
					failed(
						{ user_id: STRANGER, email: 'who@example.com' },
						NOT_LINKED(STRANGER),
						contains("already removed. Set 'If User Not Found' to 'Continue'"),
					),
				),
			],
		},
		effects: { requests: { 'users/delete': 2 }, removed: [ADA.user_id] },
	},
	{
		name: 'not found, Fail the Item + Continue (regular output): {error, message} on the main output',
		e2e: true,
		node: DELETE_OR_FAIL,
		onError: 'continueRegularOutput',
		items: byId(ALAN.user_id, STRANGER),
		expected: {
			main: inOrder(deleted(ALAN.user_id), {
				error: NOT_LINKED(STRANGER),
				message: contains('not linked to this organization'),
			}),
		},
		effects: { requests: { 'users/delete': 2 }, removed: [ALAN.user_id] },
	},
	{
		name: 'not found, Fail the Item + stop: the run fails and says what it had already removed',
		e2e: true,
		node: DELETE_OR_FAIL,
		onError: 'stopWorkflow',
		items: byId(KATHERINE.user_id, STRANGER),
		expected: {
			stop: {
				itemIndex: 1,
				message: `${NOT_LINKED(STRANGER)} (this run had already removed 1 user)`,
				description: contains(
					`Removed by this run before it stopped, and still removed: ${KATHERINE.user_id}.`,
				),
				name: 'NodeApiError',
				httpCode: '404',
			},
		},
		effects: {
			requests: { 'users/delete': 2 },
			sent: { 'users/delete': ids(KATHERINE.user_id, STRANGER) },
			removed: [KATHERINE.user_id],
		},
	},
	{
		name: 'not found at item 49 of 100 stops the run, naming the 49 it had removed',
		node: { ...DELETE_OR_FAIL, options: { concurrency: 1 } },
		onError: 'stopWorkflow',
		items: Array.from({ length: 100 }, (_, i) => ({
			user_id: i === 49 ? GRACE.user_id : idAt('44444444', i),
		})),
		standIn: { acceptAnyUser: true, alreadyRemoved: [GRACE.user_id] },
		expected: {
			stop: {
				itemIndex: 49,
				message: `${NOT_LINKED(GRACE.user_id)} (this run had already removed 49 users)`,
				description: contains(
					`Removed by this run before it stopped, and still removed: ${idAt('44444444', 0)}`,
				),
			},
		},
		effects: { requests: { 'users/delete': 50 }, removed: { count: 49 } },
	},

	// ---- ids that cannot be a user
	{
		name: 'invalid user IDs fail on the error output before any request; odd spellings of valid ones are sent',
		e2e: true,
		node: DELETE,
		onError: 'continueErrorOutput',
		items: [
			{ row: 1, user_id: 'not-a-uuid' },
			{ row: 2, user_id: '' },
			{ row: 3, note: 'no user_id field' },
			{ row: 4, user_id: 42 },
			{
				row: 5,
				user_id: 'bb3c3ef8-b8cd-cd15-01ba-useruser0001',
				note: "the API docs' placeholder",
			},
			{ row: 6, user_id: null },
			{ row: 7, user_id: `${ADA.user_id}AB`, note: 'two characters too many' },
			{ row: 8, user_id: `  ${GRACE.user_id.toUpperCase()}  `, note: 'valid: upper case, padded' },
			{ row: 9, user_id: ALAN.user_id.replace(/-/g, ''), note: 'valid: no hyphens' },
		],
		expected: {
			main: [
				at(7, deleted(GRACE.user_id.toUpperCase())),
				at(8, deleted(ALAN.user_id.replace(/-/g, ''))),
			],
			error: [
				at(
					0,
					failed(
						{ row: 1, user_id: 'not-a-uuid' },
						"'not-a-uuid' is not a valid user ID [item 0]",
						contains('UUID'),
					),
				),
				at(1, failed({ row: 2, user_id: '' }, 'No user ID [item 1]', contains('UUID'))),
				at(
					2,
					failed({ row: 3, note: 'no user_id field' }, 'No user ID [item 2]', contains('UUID')),
				),
				at(
					3,
					failed(
						{ row: 4, user_id: 42 },
						'The user ID must be text, got number 42 [item 3]',
						contains('UUID'),
					),
				),
				at(
					4,
					failed(
						{
							row: 5,
							user_id: 'bb3c3ef8-b8cd-cd15-01ba-useruser0001',
							note: "the API docs' placeholder",
						},
						"'bb3c3ef8-b8cd-cd15-01ba-useruser0001' is not a valid user ID [item 4]",
						contains('UUID'),
					),
				),
				at(5, failed({ row: 6, user_id: null }, 'No user ID [item 5]', contains('UUID'))),
				at(
					6,
					failed(
						{ row: 7, user_id: `${ADA.user_id}AB`, note: 'two characters too many' },
						`'${ADA.user_id}AB' is not a valid user ID [item 6]`,
						contains('UUID'),
					),
				),
			],
		},
		effects: {
			requests: { 'users/delete': 2 },
			sent: { 'users/delete': ids(GRACE.user_id, ALAN.user_id) },
			removed: [GRACE.user_id, ALAN.user_id],
		},
	},
	{
		name: 'an invalid id with the default On Error stops the run before any request',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId('nope'),
		expected: {
			stop: {
				itemIndex: 0,
				message: "'nope' is not a valid user ID [item 0]",
				name: 'NodeOperationError',
			},
		},
		effects: { requests: {}, removed: [] },
	},
	{
		name: 'an invalid id at item 50 of 100 stops the run before anything is deleted',
		node: DELETE,
		onError: 'stopWorkflow',
		items: Array.from({ length: 100 }, (_, i) => ({
			user_id: i === 50 ? 'not-an-id' : idAt('44444444', i),
		})),
		standIn: { acceptAnyUser: true },
		expected: { stop: { itemIndex: 50, message: "'not-an-id' is not a valid user ID [item 50]" } },
		effects: { requests: {}, removed: [] },
	},

	// ---- a rejected key (401)
	{
		name: 'a rejected key with the default On Error stops the run after one request',
		e2e: true,
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(ADA.user_id, GRACE.user_id),
		credential: { wrongKey: true },
		expected: {
			stop: {
				itemIndex: 0,
				message: REJECTED_KEY,
				description: contains('No further requests were sent'),
				name: 'NodeApiError',
				httpCode: '401',
			},
		},
		effects: { requests: { 'users/delete': 1 }, statuses: { '401': 1 }, removed: [] },
	},
	{
		name: 'a rejected key fails every item on the error output after one request',
		node: { ...DELETE, options: { concurrency: 1 } },
		onError: 'continueErrorOutput',
		items: byId(ADA.user_id, GRACE.user_id, ALAN.user_id, STRANGER),
		credential: { wrongKey: true },
		expected: {
			main: [],
			error: byId(ADA.user_id, GRACE.user_id, ALAN.user_id, STRANGER).map((input, index) =>
				at(index, failed(input, REJECTED_KEY, contains("'ProductBridge API' credential"))),
			),
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},
	{
		name: 'a rejected key at concurrency 8 costs one request, not a wave',
		node: { ...DELETE, options: { concurrency: 8 } },
		onError: 'continueRegularOutput',
		items: Array.from({ length: 30 }, (_, i) => ({ user_id: idAt(String(i).padStart(8, '0'), 0) })),
		credential: { wrongKey: true },
		expected: {
			main: Array.from({ length: 30 }, (_, i) =>
				at(i, { error: REJECTED_KEY, message: contains("'ProductBridge API' credential") }),
			),
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},

	// ---- answers the node cannot turn into a result
	{
		name: 'a 422 lists the fields in plain words and never shows the echoed key',
		node: DELETE,
		onError: 'continueRegularOutput',
		items: byId(ADA.user_id),
		standIn: {
			faults: override(422, {
				detail: [
					{
						type: 'uuid_parsing',
						loc: ['body', 'user_id'],
						msg: 'Input should be a valid UUID',
						input: 'x',
					},
					{
						type: 'missing',
						loc: ['body', 'reason'],
						msg: 'Field required',
						input: { api_key: '{apiKey}' },
					},
				],
			}),
		},
		expected: {
			main: inOrder({
				error: 'ProductBridge rejected the request as invalid',
				message: 'user_id: Input should be a valid UUID; reason: Field required',
			}),
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},
	{
		name: 'answers that echo the key (422, 400, an HTML 418) fail on the error output, redacted, not retried',
		e2e: true,
		node: { ...DELETE, options: { concurrency: 1 } },
		onError: 'continueErrorOutput',
		items: [
			{ ticket: 'HR-701', user_id: ADA.user_id },
			{ ticket: 'HR-702', user_id: GRACE.user_id },
			{ ticket: 'HR-703', user_id: ALAN.user_id },
		],
		standIn: {
			faults: {
				statusOverride: [
					{
						path: '/users/delete',
						status: 422,
						times: 1,
						body: {
							detail: [
								{
									type: 'uuid_parsing',
									loc: ['body', 'user_id'],
									msg: 'Input should be a valid UUID',
									input: { api_key: '{apiKey}', user_id: ADA.user_id },
								},
							],
						},
					},
					{
						path: '/users/delete',
						status: 400,
						times: 1,
						body: { detail: { error: 'api_key {apiKey} may not remove this user' } },
					},
					{
						path: '/users/delete',
						status: 418,
						times: 1,
						body: `<html><body>Request was {"api_key": "{apiKey}", "user_id": "${ALAN.user_id}"}</body></html>`,
					},
				],
			},
		},
		expected: {
			main: [],
			error: [
				at(
					0,
					failed(
						{ ticket: 'HR-701', user_id: ADA.user_id },
						'ProductBridge rejected the request as invalid',
						'user_id: Input should be a valid UUID',
					),
				),
				at(
					1,
					failed(
						{ ticket: 'HR-702', user_id: GRACE.user_id },
						'ProductBridge refused the request (HTTP 400): api_key [redacted] may not remove this user',
						'ProductBridge says: api_key [redacted] may not remove this user',
					),
				),
				at(
					2,
					failed(
						{ ticket: 'HR-703', user_id: ALAN.user_id },
						NOT_THE_API(418),
						contains('It answered: text/plain, "<html><body>Request was {"api_key": "[redacted]"'),
					),
				),
			],
		},
		effects: {
			requests: { 'users/delete': 3 },
			statuses: { '422': 1, '400': 1, '418': 1 },
			removed: [],
		},
	},
	{
		name: 'a 400 passes on its reason',
		node: DELETE,
		onError: 'continueRegularOutput',
		items: byId(ADA.user_id),
		standIn: { faults: override(400, { detail: { error: 'user is the organization owner' } }) },
		expected: {
			main: inOrder({
				error: 'ProductBridge refused the request (HTTP 400): user is the organization owner',
				message: 'ProductBridge says: user is the organization owner',
			}),
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},
	{
		name: 'a 200 without {"success": true} is a configuration fault, never a silent success',
		node: DELETE,
		onError: 'continueErrorOutput',
		items: byId(ADA.user_id),
		standIn: { faults: override(200, { ok: true }) },
		expected: {
			main: [],
			error: [at(0, failed({ user_id: ADA.user_id }, NOT_THE_API(200), contains('{"ok":true}')))],
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},
	{
		name: "a proxy's HTML 404 is not a 'not found' user",
		node: DELETE,
		onError: 'continueErrorOutput',
		items: byId(STRANGER),
		standIn: {
			faults: {
				statusOverride: [
					{
						path: '/users/delete',
						status: 404,
						body: '<html><h1>404 Not Found</h1></html>',
						headers: { 'content-type': 'text/html' },
					},
				],
			},
		},
		expected: {
			main: [],
			error: [at(0, failed({ user_id: STRANGER }, NOT_THE_API(404), contains('text/html')))],
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},

	// ---- retries
	...[500, 502, 503, 504].map(
		(status): Scenario => ({
			name: `a ${status} twice, then success: retried, the user is deleted`,
			e2e: status === 502,
			node: { ...DELETE, options: { maxRetries: 3 } },
			onError: 'stopWorkflow',
			items: byId(MARGARET.user_id),
			standIn: { faults: override(status, '<html>upstream trouble</html>', 2) },
			expected: { main: inOrder(deleted(MARGARET.user_id)) },
			effects: {
				requests: { 'users/delete': 3 },
				statuses: { [String(status)]: 2, '200': 1 },
				removed: [MARGARET.user_id],
			},
		}),
	),
	{
		name: 'a 503 twice in the envelope, then success, with the default Max Retries',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(MARGARET.user_id),
		standIn: { faults: override(503, { detail: { error: 'service unavailable' } }, 2) },
		expected: { main: inOrder(deleted(MARGARET.user_id)) },
		effects: {
			requests: { 'users/delete': 3 },
			statuses: { '503': 2, '200': 1 },
			removed: [MARGARET.user_id],
		},
	},
	{
		name: 'a 503 that does not go away: gives up after Max Retries, saying how often it tried',
		node: { ...DELETE, options: { maxRetries: 1 } },
		onError: 'continueRegularOutput',
		items: byId(ADA.user_id),
		standIn: { faults: override(503, { detail: { error: 'service unavailable' } }, 10) },
		expected: {
			main: inOrder({
				error: 'ProductBridge failed with a server error (HTTP 503) (after 2 attempts)',
				message: startsWith("service unavailable. Lower 'Concurrency' or raise 'Max Retries'"),
			}),
		},
		effects: { requests: { 'users/delete': 2 }, removed: [] },
	},
	{
		name: 'a 500 that does not go away: retried, then the outcome is unknown',
		node: { ...DELETE, options: { maxRetries: 1 } },
		onError: 'continueRegularOutput',
		items: byId(ADA.user_id),
		standIn: { faults: override(500, { detail: { error: 'internal error' } }, 10) },
		expected: {
			main: inOrder({
				error:
					'ProductBridge failed with a server error (HTTP 500) (after 2 attempts); the outcome is unknown',
				message: startsWith(UNKNOWN_OUTCOME_FIRST),
			}),
		},
		effects: { requests: { 'users/delete': 2 }, removed: [] },
	},
	{
		name: 'nothing listening at the Base URL: Could not reach ProductBridge',
		node: { ...DELETE, options: { maxRetries: 0 } },
		onError: 'continueRegularOutput',
		items: byId(ADA.user_id),
		credential: { baseUrl: 'http://127.0.0.1:9' },
		expected: {
			main: inOrder({
				error: 'Could not reach ProductBridge at 127.0.0.1:9',
				message: contains('ECONNREFUSED'),
			}),
		},
		effects: { requests: {}, removed: [] },
	},
	{
		name: 'nothing listening, error output: retried as configured, every item fails',
		e2e: true,
		node: { ...DELETE, options: { maxRetries: 1 } },
		onError: 'continueErrorOutput',
		items: byId(ADA.user_id, GRACE.user_id),
		credential: { baseUrl: 'http://127.0.0.1:9' },
		expected: {
			main: [],
			error: byId(ADA.user_id, GRACE.user_id).map((input, index) =>
				at(
					index,
					failed(
						input,
						'Could not reach ProductBridge at 127.0.0.1:9 (after 2 attempts)',
						contains('ECONNREFUSED'),
					),
				),
			),
		},
		effects: { requests: {}, removed: [] },
	},

	// ---- rate limits
	...(['seconds', 'http-date', 'none'] as const).map(
		(retryAfter): Scenario => ({
			name: `429s with Retry-After as ${retryAfter}: no item is lost`,
			e2e: retryAfter === 'seconds',
			node: { ...DELETE, options: { concurrency: 8, maxRetries: 8 } },
			onError: 'stopWorkflow',
			items: Array.from({ length: 12 }, (_, i) => ({ user_id: idAt('22222222', i) })),
			standIn: {
				acceptAnyUser: true,
				faults: { rateLimit: { perSecond: 10, burst: 2, retryAfter } },
			},
			expected: {
				main: inOrder(...Array.from({ length: 12 }, (_, i) => deleted(idAt('22222222', i)))),
			},
			effects: {
				// Observed 13..15 requests (1..3 429s) with pacing: about 1.5 times that as the ceiling.
				requests: { 'users/delete': { min: 13, max: 23 } },
				statuses: { '429': { min: 1, max: 11 }, '200': 12 },
				removed: { count: 12 },
			},
		}),
	),
	{
		name: 'a 429 asking for 2 seconds: the retry waits that long, then the user is deleted',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(ADA.user_id),
		standIn: {
			faults: {
				statusOverride: [
					{
						path: '/users/delete',
						status: 429,
						body: { detail: { error: 'rate limited' } },
						times: 1,
						headers: { 'Retry-After': '2' },
					},
				],
			},
		},
		expected: { main: inOrder(deleted(ADA.user_id)) },
		effects: {
			requests: { 'users/delete': 2 },
			sent: { 'users/delete': ids(ADA.user_id, ADA.user_id) },
			statuses: { '429': 1, '200': 1 },
			removed: [ADA.user_id],
			// The node's own backoff after one 429 is far shorter; only the header makes it 2 s.
			spanMs: { min: 1900, max: 3500 },
		},
	},
	{
		name: 'a pause asked by the server holds every worker back: few 429s, all 6 deleted',
		node: { ...DELETE, options: { concurrency: 6, maxRetries: 6 } },
		onError: 'stopWorkflow',
		items: Array.from({ length: 6 }, (_, i) => ({ user_id: idAt('22222222', i) })),
		standIn: {
			acceptAnyUser: true,
			faults: { rateLimit: { perSecond: 2, burst: 2, retryAfter: 'seconds' } },
		},
		expected: {
			main: inOrder(...Array.from({ length: 6 }, (_, i) => deleted(idAt('22222222', i)))),
		},
		effects: {
			requests: { 'users/delete': { min: 7, max: 18 } },
			statuses: { '429': { min: 1, max: 12 }, '200': 6 },
			removed: { count: 6 },
		},
	},
	{
		name: 'a rate-limited gateway, 30 users at the default concurrency: none lost',
		node: DELETE,
		onError: 'stopWorkflow',
		items: Array.from({ length: 30 }, (_, i) => ({
			ticket: `HR-${900 + i}`,
			user_id: idAt('7a7e0000', i),
		})),
		standIn: {
			acceptAnyUser: true,
			faults: { rateLimit: { perSecond: 10, burst: 5, retryAfter: 'seconds' } },
		},
		expected: {
			main: inOrder(...Array.from({ length: 30 }, (_, i) => deleted(idAt('7a7e0000', i)))),
		},
		effects: {
			// Observed 34..36 requests (4..6 429s) with pacing: about 1.5 times that as the ceiling.
			requests: { 'users/delete': { min: 31, max: 54 } },
			statuses: { '429': { min: 1, max: 24 }, '200': 30 },
			removed: { count: 30 },
			maxInFlight: { min: 1, max: 8 },
		},
	},

	// ---- lost answers: never a false "deleted"
	...(
		[
			['502', override(502, '<html>Bad Gateway</html>')],
			['504', override(504, '<html>Gateway Timeout</html>')],
			['500', override(500, { detail: { error: 'internal' } })],
		] as const
	).map(
		([what, faults]): Scenario => ({
			name: `a ${what}, then 404 on the retry, for an id never linked: deleted_or_not_found`,
			e2e: what === '502',
			node: { ...DELETE, options: { maxRetries: 3 } },
			onError: 'stopWorkflow',
			items: byId(STRANGER),
			standIn: { faults },
			expected: {
				main: inOrder(
					notFound(STRANGER, {
						status: 'deleted_or_not_found',
						deleted: null,
						note: matches(
							`^The answer to the first delete request was lost .*This run ${MAY_OR_MAY_NOT}`,
						),
					}),
				),
			},
			effects: { requests: { 'users/delete': 2 }, statuses: { [what]: 1, '404': 1 }, removed: [] },
		}),
	),
	{
		name: 'a reset after ProductBridge acted, then 404 on the retry: deleted_or_not_found',
		node: { ...DELETE, options: { maxRetries: 3 } },
		onError: 'stopWorkflow',
		items: byId(ADA.user_id),
		// Seed 96 resets the first answer only.
		standIn: { seed: 96, faults: { resetRate: 0.5, resetAfterActing: true } },
		expected: {
			main: inOrder(
				notFound(ADA.user_id, {
					status: 'deleted_or_not_found',
					deleted: null,
					note: contains(MAY_OR_MAY_NOT),
				}),
			),
		},
		effects: {
			requests: { 'users/delete': 2 },
			statuses: { reset: 1, '404': 1 },
			removed: [ADA.user_id],
		},
	},
	{
		name: 'a reset for an id never linked, then 404: deleted_or_not_found',
		node: { ...DELETE, options: { maxRetries: 3 } },
		onError: 'stopWorkflow',
		items: byId(STRANGER),
		standIn: { seed: 96, faults: { resetRate: 0.5, resetAfterActing: true } },
		expected: {
			main: inOrder(
				notFound(STRANGER, {
					status: 'deleted_or_not_found',
					deleted: null,
					note: contains(MAY_OR_MAY_NOT),
				}),
			),
		},
		effects: { requests: { 'users/delete': 2 }, statuses: { reset: 1, '404': 1 }, removed: [] },
	},
	{
		name: 'a timeout while ProductBridge acted, then 404 on the retry: deleted_or_not_found',
		node: { ...DELETE, options: { requestTimeout: 1000, maxRetries: 2 } },
		onError: 'stopWorkflow',
		items: byId(GRACE.user_id),
		// Seed 37 makes the first answer slow only.
		standIn: { seed: 37, faults: { slowRate: 0.5, slowMs: 2000 } },
		expected: {
			main: inOrder(
				notFound(GRACE.user_id, {
					status: 'deleted_or_not_found',
					deleted: null,
					note: contains('answer to the first delete request was lost'),
				}),
			),
		},
		effects: { requests: { 'users/delete': 2 }, removed: [GRACE.user_id] },
	},
	{
		name: 'a lost answer, then 404, with Fail the Item: the error output explains the same',
		node: DELETE_OR_FAIL,
		onError: 'continueErrorOutput',
		items: byId(STRANGER),
		standIn: { faults: override(502, 'Bad Gateway') },
		expected: {
			main: [],
			error: [
				at(
					0,
					failed({ user_id: STRANGER }, `${NOT_LINKED(STRANGER)} now`, contains(MAY_OR_MAY_NOT)),
				),
			],
		},
		effects: { requests: { 'users/delete': 2 }, removed: [] },
	},
	{
		name: 'every answer lost after ProductBridge acted: the outcome is unknown',
		node: { ...DELETE, options: { maxRetries: 1 } },
		onError: 'continueErrorOutput',
		items: byId(ALAN.user_id),
		standIn: { faults: { resetRate: 1, resetAfterActing: true } },
		expected: {
			main: [],
			error: [
				at(
					0,
					failed(
						{ user_id: ALAN.user_id },
						'Could not reach ProductBridge at {host} (after 2 attempts); the outcome is unknown',
						matches(
							`^${UNKNOWN_OUTCOME_FIRST} .* check in ProductBridge before running this item again\\. ECONNRESET`,
						),
					),
				),
			],
		},
		effects: { requests: { 'users/delete': 2 }, statuses: { reset: 2 }, removed: [ALAN.user_id] },
	},
	{
		name: 'every try times out: the item fails, the outcome unknown',
		node: { ...DELETE, options: { requestTimeout: 1000, maxRetries: 1 } },
		onError: 'continueRegularOutput',
		items: byId(ALAN.user_id),
		standIn: { faults: { slowRate: 1, slowMs: 2500 } },
		expected: {
			main: inOrder({
				error: 'Could not reach ProductBridge at {host} (after 2 attempts); the outcome is unknown',
				message: matches(`^${UNKNOWN_OUTCOME_FIRST} .* (ECONNABORTED|ETIMEDOUT)`),
			}),
		},
		effects: { requests: { 'users/delete': 2 }, removed: [ALAN.user_id] },
	},
	{
		name: 'looked up by email, the delete answer lost, 404 on the retry: deleted, confirmed on retry',
		e2e: true,
		node: { ...BY_EMAIL, onNotFound: 'error' },
		onError: 'stopWorkflow',
		items: [{ email: KATHERINE.email }],
		// Seed 37 resets the second answer only: the delete's, after ProductBridge removed her.
		standIn: { seed: 37, faults: { resetRate: 0.5, resetAfterActing: true } },
		expected: { main: inOrder(audit(KATHERINE, 'deleted', { confirmed_on_retry: true })) },
		effects: {
			requests: { 'users/retrieve': 1, 'users/delete': 2 },
			sent: {
				'users/retrieve': emails(KATHERINE.email),
				'users/delete': ids(KATHERINE.user_id, KATHERINE.user_id),
			},
			statuses: { '200': 1, reset: 1, '404': 1 },
			removed: [KATHERINE.user_id],
		},
	},

	// ---- a Base URL that is not ProductBridge
	{
		name: 'a Base URL with a wrong path: its 404 is not a user; one request at concurrency 8',
		node: { ...DELETE, options: { concurrency: 8 } },
		onError: 'continueErrorOutput',
		items: byId(GRACE.user_id, STRANGER, ADA.user_id),
		credential: { baseUrl: '{url}/api/v2' },
		expected: {
			main: [],
			error: byId(GRACE.user_id, STRANGER, ADA.user_id).map((input, index) =>
				at(
					index,
					failed(
						input,
						NOT_THE_API(404),
						contains('It answered: application/json, "{"detail":"Not Found"}".'),
					),
				),
			),
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},
	{
		name: 'a wrong Base URL with the default On Error stops the run, naming the host',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(GRACE.user_id),
		credential: { baseUrl: '{url}/wrong' },
		expected: { stop: { itemIndex: 0, message: NOT_THE_API(404) } },
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},
	...(
		[
			['a query', '{url}?tenant=1', 'query'],
			['a fragment', '{url}#api', 'fragment'],
			['a user and password', 'http://admin:hunter22@{host}', 'user name or password'],
			['plain http to a remote host', 'http://api.productbridge.io', 'HTTPS only'],
		] as const
	).map(
		([what, baseUrl, why]): Scenario => ({
			name: `a Base URL with ${what} is refused before any request, saying what to change`,
			node: DELETE,
			onError: 'continueErrorOutput',
			items: byId(GRACE.user_id, ADA.user_id),
			credential: { baseUrl },
			expected: {
				main: [],
				error: byId(GRACE.user_id, ADA.user_id).map((input, index) =>
					at(
						index,
						failed(
							input,
							contains(why),
							"Check the credential's Base URL: ProductBridge's is https://api.productbridge.io (the node adds /api/external/v1). No further requests were sent in this execution.",
						),
					),
				),
			},
			effects: { requests: {}, removed: [], neverShown: ['hunter22'] },
		}),
	),

	// ---- options from expressions
	...(
		[
			['concurrency', '={{ Number("x") }}', 'Concurrency', 'NaN'],
			['concurrency', 0, 'Concurrency', '0'],
			['maxRetries', '={{ "three" }}', 'Max Retries', "'three'"],
			['maxRetries', 2.5, 'Max Retries', '2.5'],
			['requestTimeout', 0, 'Request Timeout (Ms)', '0'],
		] as const
	).map(
		([option, value, label, shown]): Scenario => ({
			name: `Options → ${option} = ${String(value)} is a clear error, also with Continue`,
			node: { ...DELETE, options: { [option]: value } },
			onError: 'continueRegularOutput',
			items: byId(GRACE.user_id, ADA.user_id),
			expected: {
				main: inOrder(
					...[0, 1].map(() => ({
						error: matches(
							`^Options → ${label.replace(/[()]/g, '\\$&')} must be a whole number from \\d+ to \\d+, not ${shown}$`,
						),
						message: `Check the value or the expression in the node's Options → ${label}.`,
					})),
				),
			},
			effects: { requests: {}, removed: [] },
		}),
	),
	{
		name: 'a Dry Run set by an expression that gives no boolean fails the item, deleting nothing',
		node: { ...DELETE, options: { dryRun: '={{ $json.dry_run }}' } },
		onError: 'continueRegularOutput',
		items: byId(GRACE.user_id),
		expected: {
			main: inOrder({
				error: startsWith('Options → Dry Run must be true or false'),
				message: "Check the value or the expression in 'Options → Dry Run'.",
			}),
		},
		effects: { requests: {}, removed: [] },
	},

	// ---- a mixed batch
	{
		name: 'a mixed batch of 60: every row once, on the right output, in input order, paired to itself',
		e2e: true,
		node: { ...DELETE_OR_FAIL, options: { concurrency: 8 } },
		onError: 'continueErrorOutput',
		items: MIXED_ROWS,
		// Uneven answer times, so that answers come back out of order.
		standIn: {
			users: MIXED_LINKED.map((user_id) => ({ user_id })),
			faults: { latencyMs: 5, slowRate: 0.3, slowMs: 150 },
		},
		expected: { main: mixedMain, error: mixedError },
		effects: {
			requests: { 'users/delete': 30 },
			statuses: { '200': 20, '404': 10 },
			removed: MIXED_LINKED,
			maxInFlight: { min: 2, max: 8 },
		},
	},

	// ---- User → Get
	{
		name: 'Get by user ID: the user object as ProductBridge sends it; an unknown id passes as not_found',
		e2e: true,
		node: GET,
		onError: 'stopWorkflow',
		items: [
			{ ticket: 'GDPR-101', user_id: ADA.user_id },
			{ ticket: 'GDPR-102', user_id: STRANGER },
		],
		expected: { main: inOrder(found(ADA), getNotFound({ user_id: STRANGER })) },
		effects: {
			requests: { 'users/retrieve': 2 },
			sent: { 'users/retrieve': ids(ADA.user_id, STRANGER) },
			removed: [],
		},
	},
	{
		name: 'Get by email through an expression: trimmed and found; another letter case or an unknown email is not_found',
		node: { ...GET_BY_EMAIL, email: '={{ $json.contact.email }}' },
		onError: 'stopWorkflow',
		items: [
			{ ticket: 'GDPR-201', contact: { email: ` ${GRACE.email} ` } },
			{ ticket: 'GDPR-202', contact: { email: 'Grace.Hopper@example.com' } },
			{ ticket: 'GDPR-203', contact: { email: NOBODY } },
		],
		expected: {
			main: inOrder(
				found(GRACE),
				getNotFound({ email: 'Grace.Hopper@example.com' }),
				getNotFound({ email: NOBODY }),
			),
		},
		effects: {
			requests: { 'users/retrieve': 3 },
			sent: { 'users/retrieve': emails(GRACE.email, 'Grace.Hopper@example.com', NOBODY) },
			removed: [],
		},
	},
	{
		name: 'Get, Fail the Item + error output: the unknown email leaves on output 1 with its input fields',
		node: { ...GET_BY_EMAIL, onNotFound: 'error' },
		onError: 'continueErrorOutput',
		items: [
			{ row: 1, email: ALAN.email },
			{ row: 2, email: 'no.one@example.com' },
		],
		expected: {
			main: inOrder(found(ALAN)),
			error: [
				at(
					1,
					failed(
						{ row: 2, email: 'no.one@example.com' },
						'ProductBridge has no user with email no.one@example.com in this organization',
						contains("Set 'If User Not Found' to 'Continue'"),
					),
				),
			],
		},
		effects: { requests: { 'users/retrieve': 2 }, removed: [] },
	},
	{
		name: 'Get: empty, missing, malformed and non-text emails fail before any request; the next item is looked up',
		node: GET_BY_EMAIL,
		onError: 'continueErrorOutput',
		items: [
			{ row: 1, email: '' },
			{ row: 2, note: 'no email field' },
			{ row: 3, email: 'ada at example.com' },
			{ row: 4, email: 'ada@localhost' },
			{ row: 5, email: 42 },
			{ row: 6, email: KATHERINE.email },
		],
		expected: {
			main: [at(5, found(KATHERINE))],
			error: (
				[
					[{ row: 1, email: '' }, 'No email [item 0]'],
					[{ row: 2, note: 'no email field' }, 'No email [item 1]'],
					[
						{ row: 3, email: 'ada at example.com' },
						"'ada at example.com' is not a valid email address [item 2]",
					],
					[
						{ row: 4, email: 'ada@localhost' },
						"'ada@localhost' is not a valid email address [item 3]",
					],
					[{ row: 5, email: 42 }, 'number 42 is not a valid email address [item 4]'],
				] as const
			).map(([input, error], index) =>
				at(index, failed(input, error, contains("Check the 'Email' field"))),
			),
		},
		effects: {
			requests: { 'users/retrieve': 1 },
			sent: { 'users/retrieve': emails(KATHERINE.email) },
			removed: [],
		},
	},

	// ---- Delete by email
	{
		name: 'Delete by email: looked up, deleted by its user_id (not the membership id), email and name reported',
		e2e: true,
		node: BY_EMAIL,
		onError: 'stopWorkflow',
		items: [
			{ ticket: 'OFF-101', email: ADA.email },
			{ ticket: 'OFF-102', email: NOBODY },
			{ ticket: 'OFF-103', email: 'Grace.Hopper@example.com' },
		],
		expected: {
			main: inOrder(
				audit(ADA, 'deleted'),
				notFound(null, { email: NOBODY }),
				notFound(null, { email: 'Grace.Hopper@example.com' }),
			),
		},
		effects: {
			requests: { 'users/retrieve': 3, 'users/delete': 1 },
			sent: {
				'users/retrieve': emails(ADA.email, NOBODY, 'Grace.Hopper@example.com'),
				'users/delete': ids(ADA.user_id),
			},
			removed: [ADA.user_id],
		},
	},
	{
		name: 'Delete by email, not found with Fail the Item + error output: output 1 with its input fields',
		node: { ...BY_EMAIL, onNotFound: 'error' },
		onError: 'continueErrorOutput',
		items: [
			{ ticket: 'OFF-201', email: ALAN.email },
			{ ticket: 'OFF-202', email: 'no.one@example.com' },
		],
		expected: {
			main: inOrder(audit(ALAN, 'deleted')),
			error: [
				at(
					1,
					failed(
						{ ticket: 'OFF-202', email: 'no.one@example.com' },
						'ProductBridge has no user with email no.one@example.com in this organization',
						contains("Set 'If User Not Found' to 'Continue'"),
					),
				),
			],
		},
		effects: { requests: { 'users/retrieve': 2, 'users/delete': 1 }, removed: [ALAN.user_id] },
	},
	{
		name: 'Delete by email, not found with the default On Error: the run stops',
		node: { ...BY_EMAIL, onNotFound: 'error' },
		onError: 'stopWorkflow',
		items: [{ email: NOBODY }],
		expected: {
			stop: {
				itemIndex: 0,
				message: `ProductBridge has no user with email ${NOBODY} in this organization`,
			},
		},
		effects: { requests: { 'users/retrieve': 1 }, removed: [] },
	},
	{
		name: 'Delete by email: removed between the lookup and the delete, the lookup is kept, status not_found',
		node: BY_EMAIL,
		onError: 'stopWorkflow',
		items: [{ email: GRACE.email }],
		standIn: { faults: override(404, { detail: { error: 'user not found' } }) },
		expected: { main: inOrder(audit(GRACE, 'not_found')) },
		effects: { requests: { 'users/retrieve': 1, 'users/delete': 1 }, removed: [] },
	},
	{
		name: 'Delete by email: a person listed twice is looked up and deleted once',
		node: BY_EMAIL,
		onError: 'stopWorkflow',
		items: [{ email: ADA.email }, { email: ADA.email }],
		expected: { main: inOrder(audit(ADA, 'deleted'), audit(ADA, 'deleted')) },
		effects: {
			requests: { 'users/retrieve': 1, 'users/delete': 1 },
			sent: { 'users/retrieve': emails(ADA.email), 'users/delete': ids(ADA.user_id) },
			removed: [ADA.user_id],
		},
	},
	{
		name: 'Delete by email: a lookup answered with somebody else deletes nobody',
		node: BY_EMAIL,
		onError: 'continueRegularOutput',
		items: [{ email: ADA.email }],
		standIn: {
			faults: override(
				200,
				{ user_id: GRACE.user_id, email: 'grace@example.com' },
				1,
				'/users/retrieve',
			),
		},
		expected: {
			main: inOrder({
				error: NOT_THE_API(200),
				message: contains('a user other than the one asked for'),
			}),
		},
		effects: { requests: { 'users/retrieve': 1 }, removed: [] },
	},
	{
		name: 'Delete by email, a mixed batch of 24: each outcome with its own row',
		node: { ...BY_EMAIL, options: { concurrency: 4 } },
		onError: 'continueErrorOutput',
		items: EMAIL_ROWS,
		standIn: { users: MEMBERS },
		expected: {
			main: emailOutcomes.filter((item) => !isFailure(item)),
			error: emailOutcomes.filter(isFailure),
		},
		effects: {
			requests: { 'users/retrieve': 13, 'users/delete': 8 },
			removed: MEMBERS.map((person) => person.user_id),
		},
	},

	// ---- Dry Run
	{
		name: 'Dry Run by email: would_delete with user_id, email and name, or not_found; nobody is deleted',
		node: { ...BY_EMAIL, options: { dryRun: true } },
		onError: 'stopWorkflow',
		items: [
			{ ticket: 'OFF-301', email: KATHERINE.email },
			{ ticket: 'OFF-302', email: 'Katherine.Johnson@example.com' },
			{ ticket: 'OFF-303', email: NOBODY },
		],
		expected: {
			main: inOrder(
				audit(KATHERINE, 'would_delete'),
				notFound(null, { email: 'Katherine.Johnson@example.com' }),
				notFound(null, { email: NOBODY }),
			),
		},
		effects: {
			requests: { 'users/retrieve': 3 },
			sent: {
				'users/retrieve': emails(KATHERINE.email, 'Katherine.Johnson@example.com', NOBODY),
			},
			removed: [],
		},
	},
	{
		name: 'Dry Run by user ID looks the user up too',
		node: { ...DELETE, options: { dryRun: true } },
		onError: 'stopWorkflow',
		items: byId(MARGARET.user_id, STRANGER_2),
		expected: { main: inOrder(audit(MARGARET, 'would_delete'), notFound(STRANGER_2)) },
		effects: {
			requests: { 'users/retrieve': 2 },
			sent: { 'users/retrieve': ids(MARGARET.user_id, STRANGER_2) },
			removed: [],
		},
	},
];
