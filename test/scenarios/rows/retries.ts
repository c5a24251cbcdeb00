/** Scenario rows: retries. */
import { ADA, at, byId, deleted, GRACE, inOrder, MARGARET } from '../cast.ts';
import { DELETE, failed, override, OUTCOME_UNKNOWN_FIRST } from './shared.ts';
import { contains, startsWith } from '../types.ts';
import type { Scenario } from '../types.ts';

export const ROWS: readonly Scenario[] = [
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
				message: startsWith("service unavailable. Raise 'Max Retries' in the node's Options."),
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
				message: startsWith(OUTCOME_UNKNOWN_FIRST),
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
		name: 'nothing listening, error output: the first item retried as configured, the next not sent',
		e2e: true,
		node: { ...DELETE, options: { maxRetries: 1 } },
		onError: 'continueErrorOutput',
		items: byId(ADA.user_id, GRACE.user_id),
		credential: { baseUrl: 'http://127.0.0.1:9' },
		expected: {
			main: [],
			error: [
				at(
					0,
					failed(
						{ user_id: ADA.user_id },
						'Could not reach ProductBridge at 127.0.0.1:9 (after 2 attempts)',
						contains('ECONNREFUSED'),
					),
				),
				at(
					1,
					failed(
						{ user_id: GRACE.user_id },
						'Not sent: the first request to 127.0.0.1:9 got no answer from ProductBridge, so no other item was started',
						'Nothing was sent to ProductBridge for this item: it is safe to run it again.',
					),
				),
			],
		},
		effects: { requests: {}, removed: [] },
	},
];
