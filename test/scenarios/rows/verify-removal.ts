/** Scenario rows: Verify Removal (issue 21): the end state checked against ProductBridge itself. */
import {
	ADA,
	at,
	audit,
	byId,
	deleted,
	emails,
	GRACE,
	ids,
	inOrder,
	KATHERINE,
	MARGARET,
	NOBODY,
	notFound,
	STRANGER,
	STRANGER_2,
	stillListed,
	VERIFIED,
} from '../cast.ts';
import { BY_EMAIL, DELETE, MAY_OR_MAY_NOT, override, REJECTED_KEY } from './shared.ts';
import { contains, matches, startsWith } from '../types.ts';
import type { Scenario } from '../types.ts';

const VERIFY = { verifyRemoval: true } as const;
const UNAVAILABLE = { detail: { error: 'service unavailable' } };
const NOT_VERIFIED = (why: string) =>
	`Verify Removal could not check the end state (${why}), so verified stays null: the outcome above rests on the delete's answer alone.`;

export const ROWS: readonly Scenario[] = [
	{
		name: 'Verify Removal: each removed user is asked for afterwards and not found: verified true',
		node: { ...DELETE, options: VERIFY },
		onError: 'stopWorkflow',
		items: byId(ADA.user_id, GRACE.user_id),
		expected: {
			main: inOrder(deleted(ADA.user_id, VERIFIED), deleted(GRACE.user_id, VERIFIED)),
		},
		effects: {
			requests: { 'users/delete': 2, 'users/retrieve': 2 },
			sent: {
				'users/delete': ids(ADA.user_id, GRACE.user_id),
				'users/retrieve': ids(ADA.user_id, GRACE.user_id),
			},
			statuses: { '200': 2, '404': 2 },
			removed: [ADA.user_id, GRACE.user_id],
		},
	},
	{
		name: "Verify Removal: a not-found item is verified by the delete's own 404, with no second request",
		node: { ...DELETE, options: VERIFY },
		onError: 'stopWorkflow',
		items: byId(STRANGER, MARGARET.user_id),
		standIn: { alreadyRemoved: [MARGARET.user_id] },
		expected: {
			main: inOrder(notFound(STRANGER, VERIFIED), notFound(MARGARET.user_id, VERIFIED)),
		},
		effects: { requests: { 'users/delete': 2 }, removed: [] },
	},
	{
		name: 'Verify Removal by email: the check goes by the user_id the lookup found, never by email again',
		node: { ...BY_EMAIL, options: VERIFY },
		onError: 'stopWorkflow',
		items: [{ email: KATHERINE.email }, { email: NOBODY }],
		expected: {
			main: inOrder(
				audit(KATHERINE, 'deleted', VERIFIED),
				// A 404 to a lookup by email proves only that this spelling is not linked.
				notFound(null, { email: NOBODY }),
			),
		},
		effects: {
			requests: { 'users/retrieve': 3, 'users/delete': 1 },
			sent: {
				'users/retrieve': [...emails(KATHERINE.email, NOBODY), ...ids(KATHERINE.user_id)],
				'users/delete': ids(KATHERINE.user_id),
			},
			removed: [KATHERINE.user_id],
		},
	},
	{
		name: 'Verify Removal after a lost answer: deleted_or_not_found, confirmed not linked, who removed them unknown',
		node: { ...DELETE, options: { ...VERIFY, maxRetries: 3 } },
		onError: 'stopWorkflow',
		items: byId(STRANGER),
		standIn: { faults: override(502, '<html>Bad Gateway</html>') },
		expected: {
			main: inOrder(
				notFound(STRANGER, {
					status: 'deleted_or_not_found',
					deleted: null,
					...VERIFIED,
					note: matches(
						`^The answer to the first delete request was lost .*This run ${MAY_OR_MAY_NOT}: .* Verified afterwards: ProductBridge confirms they are not linked now; who removed them stays unknown\\.$`,
					),
				}),
			),
		},
		effects: {
			requests: { 'users/delete': 2, 'users/retrieve': 1 },
			statuses: { '502': 1, '404': 2 },
			removed: [],
		},
	},
	{
		name: 'Verify Removal by email after a lost answer: deleted, confirmed on retry, and verified',
		node: { ...BY_EMAIL, options: VERIFY },
		onError: 'stopWorkflow',
		items: [{ email: KATHERINE.email }],
		// Seed 37 resets the second answer only: the delete's, after ProductBridge removed her.
		standIn: { seed: 37, faults: { resetRate: 0.5, resetAfterActing: true } },
		expected: {
			main: inOrder(audit(KATHERINE, 'deleted', { confirmed_on_retry: true, ...VERIFIED })),
		},
		effects: {
			requests: { 'users/retrieve': 2, 'users/delete': 2 },
			sent: {
				'users/retrieve': [...emails(KATHERINE.email), ...ids(KATHERINE.user_id)],
				'users/delete': ids(KATHERINE.user_id, KATHERINE.user_id),
			},
			removed: [KATHERINE.user_id],
		},
	},
	{
		name: 'Verify Removal: the delete answers 200 but the user stays linked: both items on the error output',
		node: { ...DELETE, options: VERIFY },
		onError: 'continueErrorOutput',
		items: [{ ticket: 'OFF-401', user_id: ADA.user_id }, { user_id: GRACE.user_id }],
		standIn: { faults: { deleteLeavesUserLinked: true } },
		expected: {
			main: [],
			error: [
				at(0, stillListed({ input: { ticket: 'OFF-401', user_id: ADA.user_id } }, ADA.user_id)),
				at(1, stillListed({ input: { user_id: GRACE.user_id } }, GRACE.user_id)),
			],
		},
		effects: {
			requests: { 'users/delete': 2, 'users/retrieve': 2 },
			statuses: { '200': 4 },
			removed: [],
		},
	},
	{
		name: 'Verify Removal in a batch: the removed user verified on the main output, the one still listed on the error output',
		e2e: true,
		node: { ...DELETE, options: VERIFY },
		onError: 'continueErrorOutput',
		items: [
			{ ticket: 'OFF-402', user_id: ADA.user_id },
			{ ticket: 'OFF-403', user_id: GRACE.user_id },
		],
		// Grace's delete is answered 200 without acting: she stays linked.
		standIn: {
			faults: {
				statusOverride: [
					{ path: '/users/delete', status: 200, body: { success: true }, userId: GRACE.user_id },
				],
			},
		},
		expected: {
			main: [at(0, deleted(ADA.user_id, VERIFIED))],
			error: [
				at(1, stillListed({ input: { ticket: 'OFF-403', user_id: GRACE.user_id } }, GRACE.user_id)),
			],
		},
		effects: {
			requests: { 'users/delete': 2, 'users/retrieve': 2 },
			sent: {
				'users/delete': ids(ADA.user_id, GRACE.user_id),
				'users/retrieve': ids(ADA.user_id, GRACE.user_id),
			},
			statuses: { '200': 3, '404': 1 },
			removed: [ADA.user_id],
		},
	},
	{
		name: 'Verify Removal: a user still listed after the delete, On Error = Continue: verified false beside the error',
		node: { ...DELETE, options: VERIFY },
		onError: 'continueRegularOutput',
		items: byId(ADA.user_id),
		standIn: { faults: { deleteLeavesUserLinked: true } },
		expected: { main: inOrder(stillListed('regular output', ADA.user_id)) },
		effects: { requests: { 'users/delete': 1, 'users/retrieve': 1 }, removed: [] },
	},
	{
		name: 'Verify Removal: a user still listed after the delete stops the run with the default On Error',
		node: { ...DELETE, options: VERIFY },
		onError: 'stopWorkflow',
		items: byId(ADA.user_id),
		standIn: { faults: { deleteLeavesUserLinked: true } },
		expected: {
			stop: {
				itemIndex: 0,
				message: 'ProductBridge still lists this user after removing them',
				description: contains(`answered the delete as done for user ${ADA.user_id}`),
				name: 'NodeApiError',
			},
		},
		effects: { requests: { 'users/delete': 1, 'users/retrieve': 1 }, removed: [] },
	},
	{
		name: 'Verify Removal: the check meets 503s past its retries: verified null with a note, the item still deleted',
		node: { ...DELETE, options: { ...VERIFY, maxRetries: 2 } },
		onError: 'stopWorkflow',
		items: byId(ADA.user_id),
		standIn: { faults: override(503, UNAVAILABLE, 3, '/users/retrieve') },
		expected: {
			main: inOrder(
				deleted(ADA.user_id, {
					note: NOT_VERIFIED(
						'ProductBridge failed with a server error (HTTP 503) (after 3 attempts)',
					),
				}),
			),
		},
		effects: {
			requests: { 'users/delete': 1, 'users/retrieve': 3 },
			statuses: { '200': 1, '503': 3 },
			removed: [ADA.user_id],
		},
	},
	{
		name: 'Verify Removal obeys the stop: a key rejected at the check leaves verified null and sends nothing more',
		node: { ...DELETE, options: { ...VERIFY, concurrency: 1 } },
		onError: 'stopWorkflow',
		items: byId(ADA.user_id, GRACE.user_id),
		standIn: {
			faults: override(401, { detail: { error: 'invalid api_key' } }, 1, '/users/retrieve'),
		},
		expected: {
			stop: {
				itemIndex: 1,
				message: startsWith(REJECTED_KEY),
				description: contains(ADA.user_id),
				httpCode: '401',
			},
		},
		effects: {
			requests: { 'users/delete': 1, 'users/retrieve': 1 },
			sent: { 'users/delete': ids(ADA.user_id), 'users/retrieve': ids(ADA.user_id) },
			removed: [ADA.user_id],
		},
	},
	{
		name: 'Verify Removal with Dry Run: nothing is removed, so nothing is verified (null)',
		node: { ...BY_EMAIL, options: { ...VERIFY, dryRun: true } },
		onError: 'stopWorkflow',
		items: [{ email: KATHERINE.email }, { email: NOBODY }],
		expected: {
			main: inOrder(audit(KATHERINE, 'would_delete'), notFound(null, { email: NOBODY })),
		},
		effects: {
			requests: { 'users/retrieve': 2 },
			sent: { 'users/retrieve': emails(KATHERINE.email, NOBODY) },
			removed: [],
		},
	},
	{
		name: 'Verify Removal with Dry Run by user ID: looked up once, verified null',
		node: { ...DELETE, options: { ...VERIFY, dryRun: true } },
		onError: 'stopWorkflow',
		items: byId(MARGARET.user_id, STRANGER_2),
		expected: { main: inOrder(audit(MARGARET, 'would_delete'), notFound(STRANGER_2)) },
		effects: { requests: { 'users/retrieve': 2 }, removed: [] },
	},
];
