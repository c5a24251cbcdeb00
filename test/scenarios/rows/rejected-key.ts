/** Scenario rows: a rejected key (401). */
import { ADA, ALAN, at, byId, GRACE, idAt, STRANGER } from '../cast.ts';
import { DELETE, failed, REJECTED_KEY } from './shared.ts';
import { contains } from '../types.ts';
import type { Scenario } from '../types.ts';

export const ROWS: readonly Scenario[] = [
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
				message: `${REJECTED_KEY} (1 item not sent)`,
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
];
