/**
 * Scenario rows (issue 19): only ProductBridge's own words are outcomes, options say what is
 * wrong, answers are bounded.
 */
import { ADA, ALAN, at, byId, GRACE, inOrder } from '../cast.ts';
import { DELETE, GET, NOT_THE_API, override, OUTCOME_UNKNOWN_FIRST } from './shared.ts';
import { contains, matches, startsWith } from '../types.ts';
import type { Scenario } from '../types.ts';

const DENIED = 'ProductBridge denied this API key access (HTTP 403)';
const NOT_ABOUT_THE_USER =
	'ProductBridge answered HTTP 404 about something other than the user: organization not found';

/** JSON nested `depth` levels deep around a user object that is otherwise fine. */
const nestedUser = (depth: number) =>
	`{"user_id":"${ADA.user_id}","email":"${ADA.email}","x":${'['.repeat(depth)}${']'.repeat(depth)}}`;

export const ROWS: readonly Scenario[] = [
	{
		name: "a 404 'organization not found' stops the run after one request, not a not_found per user",
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(ADA.user_id, GRACE.user_id, ALAN.user_id),
		standIn: { faults: override(404, { detail: { error: 'organization not found' } }, 100) },
		expected: {
			stop: {
				itemIndex: 0,
				message: `${NOT_ABOUT_THE_USER} (2 items not sent)`,
				description: contains("This is not a 'user not found'"),
				httpCode: '404',
			},
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},
	{
		name: 'a 403 in the envelope stops the run like a 401: one request, every item fails for it',
		node: { ...DELETE, options: { concurrency: 8 } },
		onError: 'continueErrorOutput',
		items: byId(ADA.user_id, GRACE.user_id, ALAN.user_id),
		standIn: { faults: override(403, { detail: { error: 'not allowed' } }, 100) },
		expected: {
			main: [],
			error: [0, 1, 2].map((item) =>
				at(item, {
					user_id: [ADA, GRACE, ALAN][item].user_id,
					error: DENIED,
					message: contains('may not use its public API'),
				}),
			),
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},
	...[201, 202, 204].map(
		(status): Scenario => ({
			name: `a ${status} to a delete is 'outcome unknown', not a success and not a clean failure`,
			node: DELETE,
			onError: 'continueRegularOutput',
			items: byId(ADA.user_id),
			standIn: { faults: override(status, status === 204 ? '' : { success: true }) },
			expected: {
				main: inOrder({
					error: NOT_THE_API(status),
					message: startsWith(OUTCOME_UNKNOWN_FIRST),
				}),
			},
			effects: { requests: { 'users/delete': 1 }, removed: [] },
		}),
	),
	...(
		[
			["={{ 'Email' }}", "'Email'"],
			["={{ '' }}", "''"],
		] as const
	).map(
		([expression, shown]): Scenario => ({
			name: `Identify User By = ${expression} is a clear error, never a delete by user_id`,
			node: { ...DELETE, more: { identifyBy: expression } },
			onError: 'stopWorkflow',
			items: [{ user_id: ADA.user_id, email: ADA.email }],
			expected: {
				stop: {
					itemIndex: 0,
					message: `Identify User By must be one of 'userId', 'email', not ${shown} [item 0]`,
				},
			},
			effects: { requests: {}, removed: [] },
		}),
	),
	...(
		[
			['concurrency', 'Concurrency'],
			['maxRetries', 'Max Retries'],
			['requestTimeout', 'Request Timeout \\(Ms\\)'],
		] as const
	).map(
		([option, label]): Scenario => ({
			name: `Options → ${option} from an expression that gives null is an error, not the default`,
			node: { ...DELETE, options: { [option]: '={{ null }}' } },
			onError: 'stopWorkflow',
			items: byId(ADA.user_id),
			expected: {
				stop: {
					itemIndex: 0,
					message: contains(`${label.replace(/\\/g, '')} must be a whole number`),
					description: contains('Check the value or the expression'),
				},
			},
			effects: { requests: {}, removed: [] },
		}),
	),
	{
		name: "a delete answered 200 with {success: true} padded past 1 MB is 'outcome unknown', read no further",
		e2e: true,
		node: DELETE,
		onError: 'continueRegularOutput',
		items: byId(ADA.user_id),
		standIn: {
			faults: override(200, { success: true, padding: 'p'.repeat(3 * 1024 * 1024) }),
		},
		expected: {
			main: inOrder({
				error: NOT_THE_API(200),
				message: matches(
					`^${OUTCOME_UNKNOWN_FIRST}.* It answered: application/json \\(more than 1\\.0 MB, far more than any ProductBridge answer; the rest was not read\\)`,
				),
			}),
		},
		effects: { requests: { 'users/delete': 1 }, removed: [] },
	},
	{
		name: 'a Get answer nested 50,000 levels deep fails with a message that says so',
		node: GET,
		onError: 'continueRegularOutput',
		items: byId(ADA.user_id),
		standIn: {
			faults: {
				statusOverride: [
					{
						path: '/users/retrieve',
						status: 200,
						body: nestedUser(50_000),
						headers: { 'content-type': 'application/json' },
					},
				],
			},
		},
		expected: {
			main: inOrder({
				error: NOT_THE_API(200),
				message: contains('JSON nested more than 64 levels deep'),
			}),
		},
		effects: { requests: { 'users/retrieve': 1 }, removed: [] },
	},
];
