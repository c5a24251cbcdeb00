import type { INode } from 'n8n-workflow';

import { UUID_PATTERN } from '../transport';
import { describeValue } from './describeValue';
import { invalidInputError } from './errors';

/** The trimmed user id, or a per-item error that names the item and shows the value. */
export function requireUserId(node: INode, itemIndex: number, value: unknown): string {
	const userId = typeof value === 'string' ? value.trim() : value;
	if (typeof userId === 'string' && UUID_PATTERN.test(userId)) return userId;
	const problem =
		userId === undefined || userId === null || userId === ''
			? 'No user ID'
			: typeof userId === 'string'
				? `${describeValue(userId)} is not a valid user ID`
				: `The user ID must be text, got ${describeValue(userId, { withType: true })}`;
	throw invalidUserIdError(node, itemIndex, problem);
}

// Deliberately loose (one @, a dotted domain, no spaces): ProductBridge decides what exists.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** The trimmed email, as typed: ProductBridge matches emails case-sensitively. */
export function requireEmail(node: INode, itemIndex: number, value: unknown): string {
	const email = typeof value === 'string' ? value.trim() : value;
	if (typeof email === 'string' && EMAIL_PATTERN.test(email)) return email;
	const problem =
		email === undefined || email === null || email === ''
			? 'No email'
			: `${describeValue(email, { withType: true })} is not a valid email address`;
	throw invalidInputError(
		node,
		itemIndex,
		problem,
		"Check the 'Email' field: by default it reads the incoming item's email. ProductBridge matches emails exactly, letter case included.",
	);
}

/** Same key for every spelling of one id, so duplicates in any case or hyphenation meet. */
export { canonicalUuid } from '../transport';

function invalidUserIdError(node: INode, itemIndex: number, problem: string) {
	return invalidInputError(
		node,
		itemIndex,
		problem,
		"ProductBridge user IDs are UUIDs such as 3f2a8c1e-4b5d-4e6f-9a0b-1c2d3e4f5a6b. Check the 'User ID' field: by default it reads the incoming item's user_id.",
	);
}
