/** Scenario rows: ids that cannot be a user. */
import { ADA, ALAN, at, byId, deleted, GRACE, idAt, ids } from '../cast.ts';
import { DELETE, failed } from './shared.ts';
import { contains } from '../types.ts';
import type { Scenario } from '../types.ts';

export const ROWS: readonly Scenario[] = [
	{
		name: 'invalid user IDs fail on the error output before any request; odd spellings of valid ones are sent',
		e2e: true,
		node: DELETE,
		onError: 'continueErrorOutput',
		items: [
			{ row: 1, user_id: 'not-a-uuid' },
			{ row: 2, user_id: '' },
			{ row: 3, note: 'no user_id field' },
			{ row: 4, user_id: 42 },
			{
				row: 5,
				user_id: 'bb3c3ef8-b8cd-cd15-01ba-useruser0001',
				note: "the API docs' placeholder",
			},
			{ row: 6, user_id: null },
			{ row: 7, user_id: `${ADA.user_id}AB`, note: 'two characters too many' },
			{ row: 8, user_id: `  ${GRACE.user_id.toUpperCase()}  `, note: 'valid: upper case, padded' },
			{ row: 9, user_id: ALAN.user_id.replace(/-/g, ''), note: 'valid: no hyphens' },
		],
		expected: {
			main: [
				at(7, deleted(GRACE.user_id.toUpperCase())),
				at(8, deleted(ALAN.user_id.replace(/-/g, ''))),
			],
			error: [
				at(
					0,
					failed(
						{ row: 1, user_id: 'not-a-uuid' },
						"'not-a-uuid' is not a valid user ID [item 0]",
						contains('UUID'),
					),
				),
				at(1, failed({ row: 2, user_id: '' }, 'No user ID [item 1]', contains('UUID'))),
				at(
					2,
					failed({ row: 3, note: 'no user_id field' }, 'No user ID [item 2]', contains('UUID')),
				),
				at(
					3,
					failed(
						{ row: 4, user_id: 42 },
						'The user ID must be text, got number 42 [item 3]',
						contains('UUID'),
					),
				),
				at(
					4,
					failed(
						{
							row: 5,
							user_id: 'bb3c3ef8-b8cd-cd15-01ba-useruser0001',
							note: "the API docs' placeholder",
						},
						"'bb3c3ef8-b8cd-cd15-01ba-useruser0001' is not a valid user ID [item 4]",
						contains('UUID'),
					),
				),
				at(5, failed({ row: 6, user_id: null }, 'No user ID [item 5]', contains('UUID'))),
				at(
					6,
					failed(
						{ row: 7, user_id: `${ADA.user_id}AB`, note: 'two characters too many' },
						`'${ADA.user_id}AB' is not a valid user ID [item 6]`,
						contains('UUID'),
					),
				),
			],
		},
		effects: {
			requests: { 'users/delete': 2 },
			sent: { 'users/delete': ids(GRACE.user_id, ALAN.user_id) },
			removed: [GRACE.user_id, ALAN.user_id],
		},
	},
	{
		name: 'an invalid id with the default On Error stops the run before any request',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId('nope'),
		expected: {
			stop: {
				itemIndex: 0,
				message: "'nope' is not a valid user ID [item 0]",
				name: 'NodeOperationError',
			},
		},
		effects: { requests: {}, removed: [] },
	},
	{
		name: 'an invalid id at item 50 of 100 stops the run before anything is deleted',
		node: DELETE,
		onError: 'stopWorkflow',
		items: Array.from({ length: 100 }, (_, i) => ({
			user_id: i === 50 ? 'not-an-id' : idAt('44444444', i),
		})),
		standIn: { acceptAnyUser: true },
		expected: { stop: { itemIndex: 50, message: "'not-an-id' is not a valid user ID [item 50]" } },
		effects: { requests: {}, removed: [] },
	},
];
