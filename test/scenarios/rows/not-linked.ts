/** Scenario rows: a user who is not linked (404). */
import {
	ADA,
	ALAN,
	at,
	byId,
	deleted,
	GRACE,
	idAt,
	ids,
	inOrder,
	KATHERINE,
	notFound,
	STRANGER,
} from '../cast.ts';
import { DELETE, DELETE_OR_FAIL, failed, NOT_LINKED } from './shared.ts';
import { contains } from '../types.ts';
import type { Scenario } from '../types.ts';

export const ROWS: readonly Scenario[] = [
	{
		name: "not found, If User Not Found = Continue: status 'not_found', no error key",
		e2e: true,
		node: DELETE,
		onError: 'stopWorkflow',
		items: [
			{ ticket: 'HR-201', user_id: ADA.user_id },
			{ ticket: 'HR-202', user_id: STRANGER },
		],
		expected: { main: inOrder(deleted(ADA.user_id), notFound(STRANGER)) },
		effects: { requests: { 'users/delete': 2 }, removed: [ADA.user_id] },
	},
	{
		name: 'not found, Fail the Item + error output: the item leaves on output 1 with its input fields',
		e2e: true,
		node: DELETE_OR_FAIL,
		onError: 'continueErrorOutput',
		items: [
			{ user_id: ADA.user_id, email: 'ada@example.com' },
			{ user_id: STRANGER, email: 'who@example.com' },
		],
		expected: {
			main: inOrder(deleted(ADA.user_id)),
			error: [
				at(
					1,
					failed(
						{ user_id: STRANGER, email: 'who@example.com' },
						NOT_LINKED(STRANGER),
						contains("already removed. Set 'If User Not Found' to 'Continue'"),
					),
				),
			],
		},
		effects: { requests: { 'users/delete': 2 }, removed: [ADA.user_id] },
	},
	{
		name: 'not found, Fail the Item + Continue (regular output): {error, message} on the main output',
		e2e: true,
		node: DELETE_OR_FAIL,
		onError: 'continueRegularOutput',
		items: byId(ALAN.user_id, STRANGER),
		expected: {
			main: inOrder(deleted(ALAN.user_id), {
				error: NOT_LINKED(STRANGER),
				message: contains('not linked to this organization'),
			}),
		},
		effects: { requests: { 'users/delete': 2 }, removed: [ALAN.user_id] },
	},
	{
		name: 'not found, Fail the Item + stop: the run fails and says what it had already removed',
		e2e: true,
		node: DELETE_OR_FAIL,
		onError: 'stopWorkflow',
		items: byId(KATHERINE.user_id, STRANGER),
		expected: {
			stop: {
				itemIndex: 1,
				message: `${NOT_LINKED(STRANGER)} (this run had already removed 1 user)`,
				description: contains(
					`Removed by this run before it stopped, and still removed: ${KATHERINE.user_id}.`,
				),
				name: 'NodeApiError',
				httpCode: '404',
			},
		},
		effects: {
			requests: { 'users/delete': 2 },
			sent: { 'users/delete': ids(KATHERINE.user_id, STRANGER) },
			removed: [KATHERINE.user_id],
		},
	},
	{
		name: 'not found at item 49 of 100 stops the run, naming the 49 it had removed',
		node: { ...DELETE_OR_FAIL, options: { concurrency: 1 } },
		onError: 'stopWorkflow',
		items: Array.from({ length: 100 }, (_, i) => ({
			user_id: i === 49 ? GRACE.user_id : idAt('44444444', i),
		})),
		standIn: { acceptAnyUser: true, alreadyRemoved: [GRACE.user_id] },
		expected: {
			stop: {
				itemIndex: 49,
				message: `${NOT_LINKED(GRACE.user_id)} (this run had already removed 49 users; 50 items not sent)`,
				description: contains(
					`Removed by this run before it stopped, and still removed: ${idAt('44444444', 0)}`,
				),
			},
		},
		effects: { requests: { 'users/delete': 50 }, removed: { count: 49 } },
	},
];
