/** Scenario rows: Delete by email. */
import { ADA, ALAN, at, audit, emails, GRACE, ids, inOrder, NOBODY, notFound } from '../cast.ts';
import { BY_EMAIL, failed, NOT_THE_API, override } from './shared.ts';
import { contains } from '../types.ts';
import type { ExpectedItem, JsonObject, Scenario } from '../types.ts';

const MEMBERS = Array.from({ length: 8 }, (_, index) => {
	const n = String(index + 1).padStart(2, '0');
	return {
		id: `3e3b0000-0000-4000-8000-0000000000${n}`,
		user_id: `5eed0e00-0000-4000-8000-0000000000${n}`,
		email: `member${n}@example.com`,
		name: `Member ${n}`,
	};
});
const EMAIL_ROWS: JsonObject[] = [
	{ row: 0, email: 'member01@example.com' },
	{ row: 1, email: 'ghost01@example.com' },
	{ row: 2, email: '' },
	{ row: 3, email: 'member02@example.com' },
	{ row: 4, email: 'member02@example.com' },
	{ row: 5, email: 'Member03@example.com' },
	{ row: 6, email: 'member03@example.com' },
	{ row: 7, email: 'ghost02@example.com' },
	{ row: 8, email: 'member09 at example.com' },
	{ row: 9, email: 'member04@example.com' },
	{ row: 10, email: ' member07@example.com ' },
	{ row: 11, email: 'ghost02@example.com' },
	{ row: 12 },
	{ row: 13, email: 'member05@example.com' },
	{ row: 14, email: 'member06@example.com' },
	{ row: 15, email: 'member07@example.com' },
	{ row: 16, email: 'member08@localhost' },
	{ row: 17, email: 'member08@example.com' },
	{ row: 18, email: 'ghost03@example.com' },
	{ row: 19, email: 'MEMBER01@EXAMPLE.COM' },
	{ row: 20, email: 42 },
	{ row: 21, email: 'member01@example.com' },
	{ row: 22, email: 'ghost01@example.com' },
	{ row: 23, email: 'member08@example.com' },
];
const emailOutcome = (row: JsonObject): ExpectedItem => {
	const index = row.row as number;
	const email = row.email;
	if (typeof email !== 'string' || email === '')
		return at(
			index,
			failed(
				row,
				typeof email === 'number'
					? `number ${email} is not a valid email address [item ${index}]`
					: `No email [item ${index}]`,
				contains("Check the 'Email' field"),
			),
		);
	if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.trim()))
		return at(
			index,
			failed(
				row,
				`'${email}' is not a valid email address [item ${index}]`,
				contains("Check the 'Email' field"),
			),
		);
	const member = MEMBERS.find((person) => person.email === email.trim());
	return at(index, member ? audit(member, 'deleted') : notFound(null, { email: email.trim() }));
};
const emailOutcomes = EMAIL_ROWS.map(emailOutcome);
const isFailure = (item: ExpectedItem) => 'error' in item.json;

export const ROWS: readonly Scenario[] = [
	{
		name: 'Delete by email: looked up, deleted by its user_id (not the membership id), email and name reported',
		e2e: true,
		node: BY_EMAIL,
		onError: 'stopWorkflow',
		items: [
			{ ticket: 'OFF-101', email: ADA.email },
			{ ticket: 'OFF-102', email: NOBODY },
			{ ticket: 'OFF-103', email: 'Grace.Hopper@example.com' },
		],
		expected: {
			main: inOrder(
				audit(ADA, 'deleted'),
				notFound(null, { email: NOBODY }),
				notFound(null, { email: 'Grace.Hopper@example.com' }),
			),
		},
		effects: {
			requests: { 'users/retrieve': 3, 'users/delete': 1 },
			sent: {
				'users/retrieve': emails(ADA.email, NOBODY, 'Grace.Hopper@example.com'),
				'users/delete': ids(ADA.user_id),
			},
			removed: [ADA.user_id],
		},
	},
	{
		name: 'Delete by email, not found with Fail the Item + error output: output 1 with its input fields',
		node: { ...BY_EMAIL, onNotFound: 'error' },
		onError: 'continueErrorOutput',
		items: [
			{ ticket: 'OFF-201', email: ALAN.email },
			{ ticket: 'OFF-202', email: 'no.one@example.com' },
		],
		expected: {
			main: inOrder(audit(ALAN, 'deleted')),
			error: [
				at(
					1,
					failed(
						{ ticket: 'OFF-202', email: 'no.one@example.com' },
						'ProductBridge has no user with email no.one@example.com in this organization',
						contains("Set 'If User Not Found' to 'Continue'"),
					),
				),
			],
		},
		effects: { requests: { 'users/retrieve': 2, 'users/delete': 1 }, removed: [ALAN.user_id] },
	},
	{
		name: 'Delete by email, not found with the default On Error: the run stops',
		node: { ...BY_EMAIL, onNotFound: 'error' },
		onError: 'stopWorkflow',
		items: [{ email: NOBODY }],
		expected: {
			stop: {
				itemIndex: 0,
				message: `ProductBridge has no user with email ${NOBODY} in this organization`,
			},
		},
		effects: { requests: { 'users/retrieve': 1 }, removed: [] },
	},
	{
		name: 'Delete by email: removed between the lookup and the delete, the lookup is kept, status not_found',
		node: BY_EMAIL,
		onError: 'stopWorkflow',
		items: [{ email: GRACE.email }],
		standIn: { faults: override(404, { detail: { error: 'user not found' } }) },
		expected: { main: inOrder(audit(GRACE, 'not_found')) },
		effects: { requests: { 'users/retrieve': 1, 'users/delete': 1 }, removed: [] },
	},
	{
		name: 'Delete by email: a person listed twice is looked up and deleted once',
		node: BY_EMAIL,
		onError: 'stopWorkflow',
		items: [{ email: ADA.email }, { email: ADA.email }],
		expected: { main: inOrder(audit(ADA, 'deleted'), audit(ADA, 'deleted')) },
		effects: {
			requests: { 'users/retrieve': 1, 'users/delete': 1 },
			sent: { 'users/retrieve': emails(ADA.email), 'users/delete': ids(ADA.user_id) },
			removed: [ADA.user_id],
		},
	},
	{
		name: 'Delete by email: a lookup answered with somebody else deletes nobody',
		node: BY_EMAIL,
		onError: 'continueRegularOutput',
		items: [{ email: ADA.email }],
		standIn: {
			faults: override(
				200,
				{ user_id: GRACE.user_id, email: 'grace@example.com' },
				1,
				'/users/retrieve',
			),
		},
		expected: {
			main: inOrder({
				error: NOT_THE_API(200),
				message: contains('a user other than the one asked for'),
			}),
		},
		effects: { requests: { 'users/retrieve': 1 }, removed: [] },
	},
	{
		name: 'Delete by email, a mixed batch of 24: each outcome with its own row',
		node: { ...BY_EMAIL, options: { concurrency: 4 } },
		onError: 'continueErrorOutput',
		items: EMAIL_ROWS,
		standIn: { users: MEMBERS },
		expected: {
			main: emailOutcomes.filter((item) => !isFailure(item)),
			error: emailOutcomes.filter(isFailure),
		},
		effects: {
			requests: { 'users/retrieve': 13, 'users/delete': 8 },
			removed: MEMBERS.map((person) => person.user_id),
		},
	},
];
