/** Scenario rows: Dry Run. */
import {
	audit,
	byId,
	emails,
	ids,
	inOrder,
	KATHERINE,
	MARGARET,
	NOBODY,
	notFound,
	STRANGER_2,
} from '../cast.ts';
import { BY_EMAIL, DELETE } from './shared.ts';
import type { Scenario } from '../types.ts';

export const ROWS: readonly Scenario[] = [
	{
		name: 'Dry Run by email: would_delete with user_id, email and name, or not_found; nobody is deleted',
		node: { ...BY_EMAIL, options: { dryRun: true } },
		onError: 'stopWorkflow',
		items: [
			{ ticket: 'OFF-301', email: KATHERINE.email },
			{ ticket: 'OFF-302', email: 'Katherine.Johnson@example.com' },
			{ ticket: 'OFF-303', email: NOBODY },
		],
		expected: {
			main: inOrder(
				audit(KATHERINE, 'would_delete'),
				notFound(null, { email: 'Katherine.Johnson@example.com' }),
				notFound(null, { email: NOBODY }),
			),
		},
		effects: {
			requests: { 'users/retrieve': 3 },
			sent: {
				'users/retrieve': emails(KATHERINE.email, 'Katherine.Johnson@example.com', NOBODY),
			},
			removed: [],
		},
	},
	{
		name: 'Dry Run by user ID looks the user up too',
		node: { ...DELETE, options: { dryRun: true } },
		onError: 'stopWorkflow',
		items: byId(MARGARET.user_id, STRANGER_2),
		expected: { main: inOrder(audit(MARGARET, 'would_delete'), notFound(STRANGER_2)) },
		effects: {
			requests: { 'users/retrieve': 2 },
			sent: { 'users/retrieve': ids(MARGARET.user_id, STRANGER_2) },
			removed: [],
		},
	},
];
