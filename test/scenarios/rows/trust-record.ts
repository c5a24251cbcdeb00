/**
 * Scenario rows: a record that stays true when faults compound (issue 19). A stop stops, an
 * unknown outcome stays unknown whatever follows, a dead host is found with one item, and n8n's
 * own Retry On Fail does not turn this execution's removals into "not found".
 */
import {
	ADA,
	at,
	audit,
	byId,
	deleted,
	emails,
	GRACE,
	idAt,
	ids,
	inOrder,
	notFound,
	STRANGER,
} from '../cast.ts';
import {
	BY_EMAIL,
	DELETE,
	DELETE_OR_FAIL,
	failed,
	NOT_LINKED,
	REJECTED_KEY,
	OUTCOME_UNKNOWN_FIRST,
} from './shared.ts';
import { contains, matches } from '../types.ts';
import type { ExpectedItem, JsonObject, Scenario } from '../types.ts';

const BAD_GATEWAY_PAGE = '<html><body><h1>502 Bad Gateway</h1></body></html>';
const INVALID_KEY = { detail: { error: 'invalid api_key' } };
const NO_KEY = "Nothing was sent: the 'ProductBridge API' credential has no API key";
const REFUSED = { detail: { error: 'user is the organization owner' } };

/** Forty items: the first is not linked (or refused), the 39 behind it would be removed. */
const FORTY = [STRANGER, ...Array.from({ length: 39 }, (_, i) => idAt('40404040', i + 1))];

const NOT_SENT_BEHIND_A_STOP = 'Not sent, safe to run again: 39 items.';

const FIRST_CONTACT_UNHEARD =
	'Not sent: the first request to {host} got no answer from ProductBridge, so no other item was started';
const STREAK_UNHEARD =
	'Not sent: the last requests to {host} got no answer from ProductBridge, so no further item was started';
const SAFE_TO_RUN_AGAIN =
	'Nothing was sent to ProductBridge for this item: it is safe to run it again.';
const GAVE_UP_ON_502 = (attempts: number) =>
	`ProductBridge failed with a server error (HTTP 502) (after ${attempts} attempts); the outcome is unknown`;

const removedByEarlierTry = contains(
	'Removed earlier in this execution by this node (an earlier run',
);

/** Items 1..n of a batch of ids, each answered with a gateway's bare 502 page, always. */
const deadFromItem1 = (userIds: readonly string[]) => ({
	statusOverride: userIds.slice(1).map((userId) => ({
		path: '/users/delete',
		status: 502,
		body: BAD_GATEWAY_PAGE,
		times: 100,
		userId,
	})),
});

const THIRTY = [ADA.user_id, ...Array.from({ length: 29 }, (_, i) => idAt('50250250', i + 1))];

export const ROWS: readonly Scenario[] = [
	// 1. A stop stops.
	{
		name: 'a stop stops: a 404 with Fail the Item at item 0 of 40 sends nothing more, 39 not sent',
		e2e: true,
		node: DELETE_OR_FAIL,
		onError: 'stopWorkflow',
		items: byId(...FORTY),
		standIn: { acceptAnyUser: true, alreadyRemoved: [STRANGER] },
		expected: {
			stop: {
				itemIndex: 0,
				message: `${NOT_LINKED(STRANGER)} (39 items not sent)`,
				description: contains(NOT_SENT_BEHIND_A_STOP),
				name: 'NodeApiError',
				httpCode: '404',
			},
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},
	{
		name: 'a stop stops: a 400 at item 0 of 40 sends nothing more, 39 not sent',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(...FORTY),
		standIn: {
			acceptAnyUser: true,
			faults: { statusOverride: [{ path: '/users/delete', status: 400, body: REFUSED, times: 1 }] },
		},
		expected: {
			stop: {
				itemIndex: 0,
				message:
					'ProductBridge refused the request (HTTP 400): user is the organization owner (39 items not sent)',
				description: contains(NOT_SENT_BEHIND_A_STOP),
				httpCode: '400',
			},
		},
		effects: { requests: { 'users/delete': 1 }, statuses: { '400': 1 }, removed: [] },
	},
	// 2. "Outcome unknown" survives whatever comes next.
	{
		name: 'a lost answer, then 401 on the retry: the stop still says the user may have been removed',
		e2e: true,
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(ADA.user_id),
		standIn: {
			faults: {
				statusOverride: [
					{ path: '/users/delete', status: 502, body: BAD_GATEWAY_PAGE, times: 1 },
					{ path: '/users/delete', status: 401, body: INVALID_KEY, times: 1 },
				],
			},
		},
		expected: {
			stop: {
				itemIndex: 0,
				message: `${REJECTED_KEY}; the outcome is unknown (this run may have removed 1 user)`,
				description: matches(
					`^May have been removed by this run \\(the outcome is unknown: check in ProductBridge before running them again\\): ${ADA.user_id}\\. ${OUTCOME_UNKNOWN_FIRST}`,
				),
				httpCode: '401',
			},
		},
		effects: { requests: { 'users/delete': 2 }, statuses: { '502': 1, '401': 1 }, removed: [] },
	},
	{
		name: 'removed, then a lost answer and 401 for the next: the stop lists the removed and the unknown',
		node: { ...DELETE, options: { concurrency: 1 } },
		onError: 'stopWorkflow',
		items: byId(GRACE.user_id, ADA.user_id, STRANGER),
		standIn: {
			faults: {
				statusOverride: [
					{
						path: '/users/delete',
						status: 502,
						body: BAD_GATEWAY_PAGE,
						times: 1,
						userId: ADA.user_id,
					},
					{ path: '/users/delete', status: 401, body: INVALID_KEY, times: 1, userId: ADA.user_id },
				],
			},
		},
		expected: {
			stop: {
				itemIndex: 1,
				message: `${REJECTED_KEY}; the outcome is unknown (this run had already removed 1 user and may have removed 1 more; 1 item not sent)`,
				description: startsWith3(GRACE.user_id, ADA.user_id),
			},
		},
		effects: {
			requests: { 'users/delete': 3 },
			sent: { 'users/delete': ids(GRACE.user_id, ADA.user_id, ADA.user_id) },
			removed: [GRACE.user_id],
		},
	},
	// 3. Not sent is never unknown.
	{
		name: 'a key of spaces: nothing sent, the run stops as a configuration error',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(ADA.user_id, GRACE.user_id),
		credential: { apiKey: '   ' },
		expected: {
			stop: {
				itemIndex: 0,
				message: `${NO_KEY} (2 items not sent)`,
				description: contains('Nothing was sent to ProductBridge in this execution.'),
			},
		},
		effects: { requests: {}, removed: [] },
	},
	{
		name: 'an empty key with the error output: every item says nothing was sent, none unknown',
		node: DELETE,
		onError: 'continueErrorOutput',
		items: byId(ADA.user_id, GRACE.user_id),
		credential: { apiKey: '' },
		expected: {
			main: [],
			error: byId(ADA.user_id, GRACE.user_id).map((input, index) =>
				at(
					index,
					failed(input, NO_KEY, matches("^Open the node's 'ProductBridge API' credential")),
				),
			),
		},
		effects: { requests: {}, removed: [] },
	},
	// 4. A dead or wrong host is found with one item.
	{
		name: 'a host that answers a bare 502 page to everything: one item tried, 49 not sent',
		e2e: true,
		node: { ...DELETE, options: { maxRetries: 2 } },
		onError: 'continueErrorOutput',
		items: byId(...Array.from({ length: 50 }, (_, i) => idAt('50200000', i))),
		standIn: {
			acceptAnyUser: true,
			faults: {
				statusOverride: [
					{ path: '/users/delete', status: 502, body: BAD_GATEWAY_PAGE, times: 1000 },
				],
			},
		},
		expected: {
			main: [],
			error: Array.from({ length: 50 }, (_, i): ExpectedItem => {
				const input: JsonObject = { user_id: idAt('50200000', i) };
				if (i === 0)
					return at(0, failed(input, GAVE_UP_ON_502(3), contains(OUTCOME_UNKNOWN_FIRST)));
				return at(i, failed(input, FIRST_CONTACT_UNHEARD, SAFE_TO_RUN_AGAIN));
			}),
		},
		effects: { requests: { 'users/delete': 3 }, statuses: { '502': 3 }, removed: [] },
	},
	{
		name: 'a host that stops answering mid-run: after 5 items in a row unheard, no further item starts',
		node: { ...DELETE, options: { concurrency: 1, maxRetries: 1 } },
		onError: 'continueRegularOutput',
		items: byId(...THIRTY),
		standIn: { acceptAnyUser: true, faults: deadFromItem1(THIRTY) },
		expected: {
			main: [
				at(0, deleted(ADA.user_id)),
				...THIRTY.slice(1).map((_, i) =>
					i < 5
						? at(i + 1, { error: GAVE_UP_ON_502(2), message: contains(OUTCOME_UNKNOWN_FIRST) })
						: at(i + 1, { error: STREAK_UNHEARD, message: SAFE_TO_RUN_AGAIN }),
				),
			],
		},
		effects: {
			requests: { 'users/delete': 11 },
			statuses: { '200': 1, '502': 10 },
			removed: [ADA.user_id],
		},
	},
	// 7. n8n's own Retry On Fail.
	{
		name: "Retry On Fail: a user removed by the node's earlier run is reported deleted, not not_found",
		e2e: true,
		node: DELETE,
		onError: 'stopWorkflow',
		retryOnFail: { maxTries: 2, waitBetweenTries: 100 },
		items: byId(ADA.user_id, GRACE.user_id),
		standIn: {
			faults: {
				statusOverride: [
					{ path: '/users/delete', status: 400, body: REFUSED, times: 1, userId: GRACE.user_id },
				],
			},
		},
		expected: {
			main: inOrder(deleted(ADA.user_id, { note: removedByEarlierTry }), deleted(GRACE.user_id)),
		},
		effects: {
			requests: { 'users/delete': 4 },
			sent: { 'users/delete': ids(ADA.user_id, GRACE.user_id, ADA.user_id, GRACE.user_id) },
			removed: [ADA.user_id, GRACE.user_id],
		},
	},
	{
		name: 'Retry On Fail, by email, Fail the Item: the earlier run’s removal passes as deleted, with its audit fields',
		node: { ...BY_EMAIL, onNotFound: 'error' },
		onError: 'stopWorkflow',
		retryOnFail: { maxTries: 2, waitBetweenTries: 100 },
		items: emails(ADA.email, GRACE.email) as JsonObject[],
		standIn: {
			faults: {
				statusOverride: [
					{ path: '/users/delete', status: 400, body: REFUSED, times: 1, userId: GRACE.user_id },
				],
			},
		},
		expected: {
			main: inOrder(audit(ADA, 'deleted', { note: removedByEarlierTry }), audit(GRACE, 'deleted')),
		},
		effects: {
			requests: { 'users/retrieve': 4, 'users/delete': 3 },
			removed: [ADA.user_id, GRACE.user_id],
		},
	},
	{
		name: 'Retry On Fail after a lost answer, then not found: deleted_or_not_found, not a plain not_found',
		node: { ...DELETE, options: { maxRetries: 0 } },
		onError: 'stopWorkflow',
		retryOnFail: { maxTries: 2, waitBetweenTries: 100 },
		items: byId(STRANGER),
		standIn: {
			faults: {
				statusOverride: [{ path: '/users/delete', status: 502, body: BAD_GATEWAY_PAGE, times: 1 }],
			},
		},
		expected: {
			main: inOrder(
				notFound(STRANGER, {
					status: 'deleted_or_not_found',
					deleted: null,
					note: contains('sent a delete for this user whose answer was lost'),
				}),
			),
		},
		effects: { requests: { 'users/delete': 2 }, statuses: { '502': 1, '404': 1 }, removed: [] },
	},
];

/** The description of a stop that names one removed and one unknown user, in that order. */
function startsWith3(removed: string, unknown: string) {
	return matches(
		`^Removed by this run before it stopped, and still removed: ${removed}\\. May have been removed by this run \\(the outcome is unknown: check in ProductBridge before running them again\\): ${unknown}\\. Not sent, safe to run again: 1 item\\. ${OUTCOME_UNKNOWN_FIRST}`,
	);
}
