/** Scenario rows: rate limits. */
import { ADA, byId, deleted, idAt, ids, inOrder } from '../cast.ts';
import { DELETE } from './shared.ts';
import type { Scenario } from '../types.ts';

export const ROWS: readonly Scenario[] = [
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
];
