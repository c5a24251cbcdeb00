/** Scenario rows: patience with rate limits is measured in time (Max Wait for Rate Limits), not retries. */
import { ADA, byId, deleted, GRACE, inOrder } from '../cast.ts';
import { DELETE } from './shared.ts';
import { contains, startsWith } from '../types.ts';
import type { Scenario } from '../types.ts';

const rateLimited = (times: number, retryAfter: string) => ({
	statusOverride: [
		{
			path: '/users/delete' as const,
			status: 429,
			body: { detail: { error: 'rate limited' } },
			times,
			headers: { 'Retry-After': retryAfter },
		},
	],
});

export const ROWS: readonly Scenario[] = [
	{
		name: '429s do not use up Max Retries: with Max Retries 0, three 429s are waited out and the user is deleted',
		node: { ...DELETE, options: { maxRetries: 0 } },
		onError: 'stopWorkflow',
		items: byId(ADA.user_id),
		standIn: { faults: rateLimited(3, '0') },
		expected: { main: inOrder(deleted(ADA.user_id)) },
		effects: {
			requests: { 'users/delete': 4 },
			statuses: { '429': 3, '200': 1 },
			removed: [ADA.user_id],
		},
	},
	{
		name: 'a Retry-After longer than Max Wait for Rate Limits: the item fails at once, naming the wait and the option',
		e2e: true,
		node: DELETE,
		onError: 'continueRegularOutput',
		items: byId(ADA.user_id),
		standIn: { faults: rateLimited(10, '3600') },
		expected: {
			main: inOrder({
				error: startsWith('ProductBridge asked to wait 3600 s before the next request'),
				message: contains("Raise 'Max Wait for Rate Limits' in the node's Options (now 300 s)"),
			}),
		},
		effects: {
			requests: { 'users/delete': 1 },
			statuses: { '429': 1 },
			removed: [],
			spanMs: { min: 0, max: 1500 },
		},
	},
	{
		name: 'a long Retry-After fails every item of the run at once: one request, no hours of waiting',
		node: { ...DELETE, options: { concurrency: 1 } },
		onError: 'continueRegularOutput',
		items: byId(ADA.user_id, GRACE.user_id),
		standIn: { faults: rateLimited(10, '3600') },
		expected: {
			main: inOrder(
				{
					error: startsWith('ProductBridge asked to wait 3600 s'),
					message: contains('run fewer of them at once'),
				},
				{
					error: startsWith('ProductBridge asked to wait'),
					message: startsWith(
						'The rate limit (429 or 503 with Retry-After) was met by an earlier request',
					),
				},
			),
		},
		effects: {
			requests: { 'users/delete': 1 },
			statuses: { '429': 1 },
			removed: [],
			spanMs: { min: 0, max: 1500 },
		},
	},
];
