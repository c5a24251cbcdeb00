/** Scenario rows: lost answers: never a false "deleted". */
import {
	ADA,
	ALAN,
	at,
	audit,
	byId,
	emails,
	GRACE,
	ids,
	inOrder,
	KATHERINE,
	notFound,
	STRANGER,
} from '../cast.ts';
import {
	BY_EMAIL,
	DELETE,
	DELETE_OR_FAIL,
	failed,
	MAY_OR_MAY_NOT,
	NOT_LINKED,
	override,
	OUTCOME_UNKNOWN_FIRST,
} from './shared.ts';
import { contains, matches } from '../types.ts';
import type { Scenario } from '../types.ts';

export const ROWS: readonly Scenario[] = [
	...(
		[
			['502', override(502, '<html>Bad Gateway</html>')],
			['504', override(504, '<html>Gateway Timeout</html>')],
			['500', override(500, { detail: { error: 'internal' } })],
		] as const
	).map(
		([what, faults]): Scenario => ({
			name: `a ${what}, then 404 on the retry, for an id never linked: deleted_or_not_found`,
			e2e: what === '502',
			node: { ...DELETE, options: { maxRetries: 3 } },
			onError: 'stopWorkflow',
			items: byId(STRANGER),
			standIn: { faults },
			expected: {
				main: inOrder(
					notFound(STRANGER, {
						status: 'deleted_or_not_found',
						deleted: null,
						note: matches(
							`^The answer to the first delete request was lost .*This run ${MAY_OR_MAY_NOT}`,
						),
					}),
				),
			},
			effects: { requests: { 'users/delete': 2 }, statuses: { [what]: 1, '404': 1 }, removed: [] },
		}),
	),
	{
		name: 'a reset after ProductBridge acted, then 404 on the retry: deleted_or_not_found',
		node: { ...DELETE, options: { maxRetries: 3 } },
		onError: 'stopWorkflow',
		items: byId(ADA.user_id),
		// Seed 96 resets the first answer only.
		standIn: { seed: 96, faults: { resetRate: 0.5, resetAfterActing: true } },
		expected: {
			main: inOrder(
				notFound(ADA.user_id, {
					status: 'deleted_or_not_found',
					deleted: null,
					note: contains(MAY_OR_MAY_NOT),
				}),
			),
		},
		effects: {
			requests: { 'users/delete': 2 },
			statuses: { reset: 1, '404': 1 },
			removed: [ADA.user_id],
		},
	},
	{
		name: 'a reset for an id never linked, then 404: deleted_or_not_found',
		node: { ...DELETE, options: { maxRetries: 3 } },
		onError: 'stopWorkflow',
		items: byId(STRANGER),
		standIn: { seed: 96, faults: { resetRate: 0.5, resetAfterActing: true } },
		expected: {
			main: inOrder(
				notFound(STRANGER, {
					status: 'deleted_or_not_found',
					deleted: null,
					note: contains(MAY_OR_MAY_NOT),
				}),
			),
		},
		effects: { requests: { 'users/delete': 2 }, statuses: { reset: 1, '404': 1 }, removed: [] },
	},
	{
		name: 'a timeout while ProductBridge acted, then 404 on the retry: deleted_or_not_found',
		node: { ...DELETE, options: { requestTimeout: 1000, maxRetries: 2 } },
		onError: 'stopWorkflow',
		items: byId(GRACE.user_id),
		// Seed 37 makes the first answer slow only.
		standIn: { seed: 37, faults: { slowRate: 0.5, slowMs: 2000 } },
		expected: {
			main: inOrder(
				notFound(GRACE.user_id, {
					status: 'deleted_or_not_found',
					deleted: null,
					note: contains('answer to the first delete request was lost'),
				}),
			),
		},
		effects: { requests: { 'users/delete': 2 }, removed: [GRACE.user_id] },
	},
	{
		name: 'a lost answer, then 404, with Fail the Item: the error output explains the same',
		node: DELETE_OR_FAIL,
		onError: 'continueErrorOutput',
		items: byId(STRANGER),
		standIn: { faults: override(502, 'Bad Gateway') },
		expected: {
			main: [],
			error: [
				at(
					0,
					failed({ user_id: STRANGER }, `${NOT_LINKED(STRANGER)} now`, contains(MAY_OR_MAY_NOT)),
				),
			],
		},
		effects: { requests: { 'users/delete': 2 }, removed: [] },
	},
	{
		name: 'every answer lost after ProductBridge acted: the outcome is unknown',
		node: { ...DELETE, options: { maxRetries: 1 } },
		onError: 'continueErrorOutput',
		items: byId(ALAN.user_id),
		standIn: { faults: { resetRate: 1, resetAfterActing: true } },
		expected: {
			main: [],
			error: [
				at(
					0,
					failed(
						{ user_id: ALAN.user_id },
						'Could not reach ProductBridge at {host} (after 2 attempts); the outcome is unknown',
						matches(
							`^${OUTCOME_UNKNOWN_FIRST} .* check in ProductBridge before running this item again\\. ECONNRESET`,
						),
					),
				),
			],
		},
		effects: { requests: { 'users/delete': 2 }, statuses: { reset: 2 }, removed: [ALAN.user_id] },
	},
	{
		name: 'every try times out: the item fails, the outcome unknown',
		node: { ...DELETE, options: { requestTimeout: 1000, maxRetries: 1 } },
		onError: 'continueRegularOutput',
		items: byId(ALAN.user_id),
		standIn: { faults: { slowRate: 1, slowMs: 2500 } },
		expected: {
			main: inOrder({
				error: 'Could not reach ProductBridge at {host} (after 2 attempts); the outcome is unknown',
				message: matches(`^${OUTCOME_UNKNOWN_FIRST} .* (ECONNABORTED|ETIMEDOUT)`),
			}),
		},
		effects: { requests: { 'users/delete': 2 }, removed: [ALAN.user_id] },
	},
	{
		name: 'looked up by email, the delete answer lost, 404 on the retry: deleted, confirmed on retry',
		e2e: true,
		node: { ...BY_EMAIL, onNotFound: 'error' },
		onError: 'stopWorkflow',
		items: [{ email: KATHERINE.email }],
		// Seed 37 resets the second answer only: the delete's, after ProductBridge removed her.
		standIn: { seed: 37, faults: { resetRate: 0.5, resetAfterActing: true } },
		expected: { main: inOrder(audit(KATHERINE, 'deleted', { confirmed_on_retry: true })) },
		effects: {
			requests: { 'users/retrieve': 1, 'users/delete': 2 },
			sent: {
				'users/retrieve': emails(KATHERINE.email),
				'users/delete': ids(KATHERINE.user_id, KATHERINE.user_id),
			},
			statuses: { '200': 1, reset: 1, '404': 1 },
			removed: [KATHERINE.user_id],
		},
	},
];
