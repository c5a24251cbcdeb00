/** Scenario rows: a Base URL that is not ProductBridge. */
import { ADA, at, byId, GRACE, STRANGER } from '../cast.ts';
import { DELETE, failed, NOT_THE_API } from './shared.ts';
import { contains } from '../types.ts';
import type { Scenario } from '../types.ts';

export const ROWS: readonly Scenario[] = [
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
						contains('It answered: application/json (22 bytes), "{"detail":"Not Found"}".'),
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
];
