/** Scenario rows: deleting by user ID. */
import { ADA, ALAN, byId, deleted, GRACE, ids, inOrder, notFound } from '../cast.ts';
import { DELETE } from './shared.ts';
import type { Scenario } from '../types.ts';

export const ROWS: readonly Scenario[] = [
	{
		name: 'deletes each linked user, paired with its input row',
		node: DELETE,
		onError: 'stopWorkflow',
		items: [
			{ ticket: 'HR-101', user_id: ADA.user_id },
			{ ticket: 'HR-102', user_id: GRACE.user_id },
			{ ticket: 'HR-103', user_id: ALAN.user_id },
		],
		expected: {
			main: inOrder(deleted(ADA.user_id), deleted(GRACE.user_id), deleted(ALAN.user_id)),
		},
		effects: {
			requests: { 'users/delete': 3 },
			sent: { 'users/delete': ids(ADA.user_id, GRACE.user_id, ALAN.user_id) },
			removed: [ADA.user_id, GRACE.user_id, ALAN.user_id],
		},
	},
	{
		name: 'a second run finds everybody gone: not_found, and the run succeeds',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(ADA.user_id, GRACE.user_id),
		standIn: { alreadyRemoved: [ADA.user_id, GRACE.user_id] },
		expected: { main: inOrder(notFound(ADA.user_id), notFound(GRACE.user_id)) },
		effects: { requests: { 'users/delete': 2 }, statuses: { '404': 2 }, removed: [] },
	},
	{
		name: 'accepts an id in any case, padded or without hyphens, and sends it in canonical form',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(`  ${ADA.user_id.toUpperCase()} `, GRACE.user_id.replace(/-/g, '')),
		expected: {
			main: inOrder(deleted(ADA.user_id.toUpperCase()), deleted(GRACE.user_id.replace(/-/g, ''))),
		},
		effects: {
			requests: { 'users/delete': 2 },
			sent: { 'users/delete': ids(ADA.user_id, GRACE.user_id) },
			removed: [ADA.user_id, GRACE.user_id],
		},
	},
	{
		name: 'a user listed three times (any spelling) is sent once; every item gets the outcome',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(ADA.user_id, ADA.user_id.toUpperCase(), ADA.user_id),
		expected: {
			main: inOrder(deleted(ADA.user_id), deleted(ADA.user_id.toUpperCase()), deleted(ADA.user_id)),
		},
		effects: {
			requests: { 'users/delete': 1 },
			sent: { 'users/delete': ids(ADA.user_id) },
			removed: [ADA.user_id],
		},
	},
	{
		name: 'reads the id from another field when the User ID expression says so',
		node: { ...DELETE, userId: '={{ $json.person.pbId }}' },
		onError: 'stopWorkflow',
		items: [{ person: { pbId: ALAN.user_id } }],
		expected: { main: inOrder(deleted(ALAN.user_id)) },
		effects: {
			requests: { 'users/delete': 1 },
			sent: { 'users/delete': ids(ALAN.user_id) },
			removed: [ALAN.user_id],
		},
	},
	{
		name: 'a Base URL typed with the API path and a trailing slash works',
		node: DELETE,
		onError: 'stopWorkflow',
		items: byId(ADA.user_id),
		credential: { baseUrl: '{url}/api/external/v1/' },
		expected: { main: inOrder(deleted(ADA.user_id)) },
		effects: { requests: { 'users/delete': 1 }, removed: [ADA.user_id] },
	},
];
