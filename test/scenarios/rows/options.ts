/** Scenario rows: options from expressions. */
import { ADA, byId, GRACE, inOrder } from '../cast.ts';
import { DELETE } from './shared.ts';
import { matches, startsWith } from '../types.ts';
import type { Scenario } from '../types.ts';

export const ROWS: readonly Scenario[] = [
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
];
