/**
 * The record when two faults meet (from the hostile review of issue 19), e.g. n8n's Retry On Fail
 * and a lost answer. An earlier run of this node in this execution removed the user (ProductBridge said
 * so); the next try's delete loses its answer, and the retry finds the user gone. The earlier
 * try's proof must still decide the record, as it does when the next try has no lost answer.
 */
import { ADA, byId, deleted, GRACE, idAt, inOrder, STRANGER } from '../cast.ts';
import { DELETE, DELETE_OR_FAIL, NOT_LINKED } from './shared.ts';
import { contains, matches } from '../types.ts';
import type { Scenario } from '../types.ts';

const TEN = Array.from({ length: 10 }, (_, i) => idAt('19b19b19', i + 1));
const BAD_GATEWAY_PAGE = '<html><body><h1>502 Bad Gateway</h1></body></html>';
const REFUSED = { detail: { error: 'user is the organization owner' } };
const removedByEarlierTry = contains('Removed earlier in this execution by this node');

/**
 * Try 1: STRANGER's delete is answered 200 (as if removed; the stand-in does not link them, so
 * every later delete finds them gone) and GRACE's is refused (400), which fails the node.
 * Try 2: STRANGER's delete gets a bare 502 page (a lost answer), its retry a 404.
 */
const faults = {
	statusOverride: [
		{ path: '/users/delete', status: 200, body: { success: true }, times: 1, userId: STRANGER },
		{ path: '/users/delete', status: 502, body: BAD_GATEWAY_PAGE, times: 1, userId: STRANGER },
		{ path: '/users/delete', status: 400, body: REFUSED, times: 1, userId: GRACE.user_id },
	],
};

export const ROWS: readonly Scenario[] = [
	{
		name: 'Retry On Fail, removed by the earlier run, then a lost answer and 404: still deleted by the earlier run',
		node: { ...DELETE, options: { concurrency: 1 } },
		onError: 'stopWorkflow',
		retryOnFail: { maxTries: 2, waitBetweenTries: 100 },
		items: byId(STRANGER, GRACE.user_id),
		standIn: { faults },
		expected: {
			main: inOrder(deleted(STRANGER, { note: removedByEarlierTry }), deleted(GRACE.user_id)),
		},
		effects: { requests: { 'users/delete': 5 }, removed: [GRACE.user_id] },
	},
	{
		name: 'Retry On Fail, Fail the Item, removed by the earlier run, then a lost answer and 404: no failure',
		node: { ...DELETE, onNotFound: 'error' },
		onError: 'stopWorkflow',
		retryOnFail: { maxTries: 2, waitBetweenTries: 100 },
		items: byId(STRANGER, GRACE.user_id),
		standIn: { faults },
		expected: {
			main: inOrder(deleted(STRANGER, { note: removedByEarlierTry }), deleted(GRACE.user_id)),
		},
		effects: { requests: { 'users/delete': 5 }, removed: [GRACE.user_id] },
	},
	{
		name: 'a stop while another item waits out a 503 pause: the stop record counts that item',
		node: DELETE_OR_FAIL,
		onError: 'stopWorkflow',
		items: byId(ADA.user_id, GRACE.user_id, STRANGER),
		standIn: {
			faults: {
				statusOverride: [
					{
						path: '/users/delete',
						status: 503,
						body: { detail: { error: 'temporarily unavailable' } },
						times: 20,
						userId: GRACE.user_id,
					},
				],
			},
		},
		expected: {
			stop: {
				itemIndex: 2,
				message: matches(
					`^${NOT_LINKED(STRANGER)} \\(this run had already removed 1 user; 1 item not (sent|carried out)\\)$`,
				),
				description: contains('Sent but not carried out (refused, or stopped between attempts)'),
			},
		},
		effects: { requests: { 'users/delete': { min: 3, max: 8 } }, removed: [ADA.user_id] },
	},
	// Held on main (kept as evidence of what was attacked).
	{
		name: 'a 502 page on first contact, then a success: every item removed, nothing halted',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(...TEN),
		standIn: {
			acceptAnyUser: true,
			faults: {
				statusOverride: [{ path: '/users/delete', status: 502, body: BAD_GATEWAY_PAGE, times: 1 }],
			},
		},
		expected: { main: inOrder(...TEN.map((userId) => deleted(userId))) },
		effects: { requests: { 'users/delete': 11 }, statuses: { '502': 1, '200': 10 }, removed: TEN },
	},
	{
		name: 'Concurrency 1, a 404 with Fail the Item at item 3 of 10: 3 removed, 6 not sent',
		node: { ...DELETE_OR_FAIL, options: { concurrency: 1 } },
		onError: 'stopWorkflow',
		items: byId(...TEN.slice(0, 3), STRANGER, ...TEN.slice(3, 9)),
		standIn: { acceptAnyUser: true, alreadyRemoved: [STRANGER] },
		expected: {
			stop: {
				itemIndex: 3,
				message: `${NOT_LINKED(STRANGER)} (this run had already removed 3 users; 6 items not sent)`,
				description: contains('Not sent, safe to run again: 6 items.'),
			},
		},
		effects: { requests: { 'users/delete': 4 }, removed: TEN.slice(0, 3) },
	},
	{
		name: 'a lost answer, then 403 in the envelope at Concurrency 1: the stop still says unknown, 2 not sent',
		node: { ...DELETE, options: { concurrency: 1 } },
		onError: 'stopWorkflow',
		items: byId(ADA.user_id, GRACE.user_id, STRANGER),
		standIn: {
			faults: {
				statusOverride: [
					{ path: '/users/delete', status: 502, body: BAD_GATEWAY_PAGE, times: 1 },
					{
						path: '/users/delete',
						status: 403,
						body: { detail: { error: 'forbidden' } },
						times: 1,
					},
				],
			},
		},
		expected: {
			stop: {
				itemIndex: 0,
				message: contains('this run may have removed 1 user; 2 items not sent'),
				description: contains(
					`May have been removed by this run (the outcome is unknown: check in ProductBridge before running them again): ${ADA.user_id}.`,
				),
			},
		},
		effects: { requests: { 'users/delete': 2 }, removed: [] },
	},
];
