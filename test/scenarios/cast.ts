/** The people and the output shapes the scenario rows are written with. */
import { DEMO_USERS } from '../../tools/standin/server.ts';
import { deleteItem, ISO_TIME, NO_USER } from '../support/outputs.ts';
import { matches } from './types.ts';
import type { ExpectedItem, ExpectedObject, JsonObject, Sent } from './types.ts';

export interface Person {
	id: string;
	user_id: string;
	email: string;
	name: string;
}

const demo = (index: number): Person => DEMO_USERS[index] as Person;

/** The stand-in's demo users: linked unless a row says otherwise. */
export const ADA = demo(0);
export const GRACE = demo(1);
export const ALAN = demo(2);
export const KATHERINE = demo(3);
export const MARGARET = demo(4);

/** Valid UUIDs nobody in the organization has. */
export const STRANGER = '5a0b3c9e-1111-4222-8333-944455556666';
export const STRANGER_2 = 'b8e3f0d2-91a4-4e6b-8c2d-7a5f3e1b0c92';
export const NOBODY = 'nobody@example.com';

/** `<prefix>-0000-4000-8000-<index, 12 digits>`: many distinct valid ids. */
export const idAt = (prefix: string, index: number) =>
	`${prefix}-0000-4000-8000-${String(index).padStart(12, '0')}`;

/** When a Delete item's outcome was settled: any ISO 8601 time, as the node writes it. */
export const SETTLED_AT = matches(ISO_TIME);

/** A Delete item; `deleted` follows from `status` (test/support/outputs.ts). */
export const deleted = (user_id: string, fields: ExpectedObject = {}): ExpectedObject =>
	deleteItem({ user_id, status: 'deleted', at: SETTLED_AT, ...fields }) as ExpectedObject;
export const notFound = (user_id: string | null, fields: ExpectedObject = {}): ExpectedObject =>
	deleteItem({ user_id, status: 'not_found', at: SETTLED_AT, ...fields }) as ExpectedObject;
/** A Delete item for someone the node looked up first. */
export const audit = (
	person: Person,
	status: string,
	fields: ExpectedObject = {},
): ExpectedObject =>
	deleteItem({
		user_id: person.user_id,
		email: person.email,
		name: person.name,
		status,
		at: SETTLED_AT,
		...fields,
	}) as ExpectedObject;

/** Verify Removal found the user gone: ProductBridge answered "user not found" after (or to) the delete. */
export const VERIFIED = { verified: true } as const;

/**
 * The error item of a user ProductBridge still lists after answering their removal (Verify
 * Removal). On the regular output ("Continue") it carries `verified: false`; n8n routes to the
 * error output only an item of `error` and `message`, and puts the input item's fields first.
 */
export const stillListed = (
	place: { input: JsonObject } | 'regular output',
	userId: string,
	answered = 'answered the delete as done',
): ExpectedObject => ({
	...(place === 'regular output' ? {} : place.input),
	error: 'ProductBridge still lists this user after removing them',
	message: `ProductBridge ${answered} for user ${userId}, but asked right afterwards (Verify Removal) it still returned them: they are still linked to this organization. Check the user in ProductBridge, then run this item again.`,
	...(place === 'regular output' ? { verified: false } : {}),
});

/** A Get item for a demo user: the user object as ProductBridge sends it. */
export const found = (person: Person): ExpectedObject => ({
	...NO_USER,
	...(DEMO_USERS.find((user) => user.user_id === person.user_id) as ExpectedObject),
	portal_role: 'end_user',
	status: 'found',
});
export const getNotFound = (identifier: ExpectedObject): ExpectedObject => ({
	...NO_USER,
	...identifier,
	status: 'not_found',
});

/** Items on one output, paired with input rows 0, 1, 2… in order. */
export const inOrder = (...items: ExpectedObject[]): ExpectedItem[] =>
	items.map((json, item) => ({ json, pairedItem: { item } }));

/** One item paired with input row `item`. */
export const at = (item: number, json: ExpectedObject): ExpectedItem => ({
	json,
	pairedItem: { item },
});

/** An input item for each id, as `{ user_id }`. */
export const byId = (...ids: string[]): JsonObject[] => ids.map((user_id) => ({ user_id }));

/** What requests carried (Effects.sent): one request per entry, retries included. */
export const ids = (...userIds: string[]): Sent[] => userIds.map((user_id) => ({ user_id }));
export const emails = (...list: string[]): Sent[] => list.map((email) => ({ email }));
