/** Scenario rows: User → Get. */
import {
	ADA,
	ALAN,
	at,
	emails,
	found,
	getNotFound,
	GRACE,
	ids,
	inOrder,
	KATHERINE,
	NOBODY,
	STRANGER,
} from '../cast.ts';
import { failed, GET, GET_BY_EMAIL } from './shared.ts';
import { contains } from '../types.ts';
import type { Scenario } from '../types.ts';

export const ROWS: readonly Scenario[] = [
	{
		name: 'Get by user ID: the user object as ProductBridge sends it; an unknown id passes as not_found',
		e2e: true,
		node: GET,
		onError: 'stopWorkflow',
		items: [
			{ ticket: 'GDPR-101', user_id: ADA.user_id },
			{ ticket: 'GDPR-102', user_id: STRANGER },
		],
		expected: { main: inOrder(found(ADA), getNotFound({ user_id: STRANGER })) },
		effects: {
			requests: { 'users/retrieve': 2 },
			sent: { 'users/retrieve': ids(ADA.user_id, STRANGER) },
			removed: [],
		},
	},
	{
		name: 'Get by email through an expression: trimmed and found; another letter case or an unknown email is not_found',
		node: { ...GET_BY_EMAIL, email: '={{ $json.contact.email }}' },
		onError: 'stopWorkflow',
		items: [
			{ ticket: 'GDPR-201', contact: { email: ` ${GRACE.email} ` } },
			{ ticket: 'GDPR-202', contact: { email: 'Grace.Hopper@example.com' } },
			{ ticket: 'GDPR-203', contact: { email: NOBODY } },
		],
		expected: {
			main: inOrder(
				found(GRACE),
				getNotFound({ email: 'Grace.Hopper@example.com' }),
				getNotFound({ email: NOBODY }),
			),
		},
		effects: {
			requests: { 'users/retrieve': 3 },
			sent: { 'users/retrieve': emails(GRACE.email, 'Grace.Hopper@example.com', NOBODY) },
			removed: [],
		},
	},
	{
		name: 'Get, Fail the Item + error output: the unknown email leaves on output 1 with its input fields',
		node: { ...GET_BY_EMAIL, onNotFound: 'error' },
		onError: 'continueErrorOutput',
		items: [
			{ row: 1, email: ALAN.email },
			{ row: 2, email: 'no.one@example.com' },
		],
		expected: {
			main: inOrder(found(ALAN)),
			error: [
				at(
					1,
					failed(
						{ row: 2, email: 'no.one@example.com' },
						'ProductBridge has no user with email no.one@example.com in this organization',
						contains("Set 'If User Not Found' to 'Continue'"),
					),
				),
			],
		},
		effects: { requests: { 'users/retrieve': 2 }, removed: [] },
	},
	{
		name: 'Get: empty, missing, malformed and non-text emails fail before any request; the next item is looked up',
		node: GET_BY_EMAIL,
		onError: 'continueErrorOutput',
		items: [
			{ row: 1, email: '' },
			{ row: 2, note: 'no email field' },
			{ row: 3, email: 'ada at example.com' },
			{ row: 4, email: 'ada@localhost' },
			{ row: 5, email: 42 },
			{ row: 6, email: KATHERINE.email },
		],
		expected: {
			main: [at(5, found(KATHERINE))],
			error: (
				[
					[{ row: 1, email: '' }, 'No email [item 0]'],
					[{ row: 2, note: 'no email field' }, 'No email [item 1]'],
					[
						{ row: 3, email: 'ada at example.com' },
						"'ada at example.com' is not a valid email address [item 2]",
					],
					[
						{ row: 4, email: 'ada@localhost' },
						"'ada@localhost' is not a valid email address [item 3]",
					],
					[{ row: 5, email: 42 }, 'number 42 is not a valid email address [item 4]'],
				] as const
			).map(([input, error], index) =>
				at(index, failed(input, error, contains("Check the 'Email' field"))),
			),
		},
		effects: {
			requests: { 'users/retrieve': 1 },
			sent: { 'users/retrieve': emails(KATHERINE.email) },
			removed: [],
		},
	},
];
