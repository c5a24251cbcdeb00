import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeProperties,
	NodeApiError,
} from 'n8n-workflow';

import { notFoundError } from '../../helpers/errors';
import { readChoice, readItemParameter } from '../../helpers/itemParameter';
import { canonicalUuid, requireEmail, requireUserId } from '../../helpers/validation';
import type { ProductBridgeClient, RetrieveResult } from '../../transport';

/** How an operation finds its user: by ProductBridge's user id, or by email through a lookup. */
export type UserIdentifier = { by: 'userId'; userId: string } | { by: 'email'; email: string };

/** The identification fields; each operation adds its own displayOptions. */
export const identifyProperties: INodeProperties[] = [
	{
		displayName: 'Identify User By',
		name: 'identifyBy',
		type: 'options',
		options: [
			{ name: 'User ID', value: 'userId', description: "ProductBridge's user UUID" },
			{
				name: 'Email',
				value: 'email',
				description: 'Looks the user up by email first (one extra request per item)',
			},
		],
		default: 'userId',
	},
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '={{ $json.user_id }}',
		placeholder: 'e.g. 3f2a8c1e-4b5d-4e6f-9a0b-1c2d3e4f5a6b',
		description:
			"The ProductBridge user's UUID (its user_id, not the membership ID). By default read from each incoming item's user_id field.",
		displayOptions: { show: { identifyBy: ['userId'] } },
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		required: true,
		default: '={{ $json.email }}',
		placeholder: 'e.g. name@example.com',
		description: "The user's email. By default read from each incoming item's email field.",
		hint: 'ProductBridge matches emails exactly, letter case included: Ada@example.com is not ada@example.com',
		displayOptions: { show: { identifyBy: ['email'] } },
	},
];

export const ON_NOT_FOUND = ['continue', 'error'] as const;

const IDENTIFY_BY = ['userId', 'email'] as const;

/** "If User Not Found", worded for the operation that uses it. */
export function onNotFoundProperty(continueOutcome: string, description: string): INodeProperties {
	return {
		displayName: 'If User Not Found',
		name: 'onNotFound',
		type: 'options',
		options: [
			{ name: 'Continue', value: 'continue', description: continueOutcome },
			{
				name: 'Fail the Item',
				value: 'error',
				description:
					"Treat it as an error; with Settings → On Error → 'Continue (using error output)' the item goes to the error branch",
			},
		],
		default: 'continue',
		description,
	};
}

export function readIdentifier(context: IExecuteFunctions, itemIndex: number): UserIdentifier {
	const node = context.getNode();
	// Checked like any choice: an expression giving 'Email' or nothing must not delete by user_id.
	const by = readChoice(context, 'identifyBy', 'Identify User By', itemIndex, IDENTIFY_BY);
	if (by === 'email') {
		return {
			by: 'email',
			email: requireEmail(node, itemIndex, readItemParameter(context, 'email', itemIndex)),
		};
	}
	return {
		by: 'userId',
		userId: requireUserId(node, itemIndex, readItemParameter(context, 'userId', itemIndex)),
	};
}

/** The identifier as an output item shows it, e.g. for a user that was not found. */
export function identifierFields(identifier: UserIdentifier): IDataObject {
	return identifier.by === 'email'
		? { user_id: null, email: identifier.email, name: null }
		: { user_id: identifier.userId, email: null, name: null };
}

function describeIdentifier(identifier: UserIdentifier): string {
	return identifier.by === 'email'
		? `user with email ${identifier.email}`
		: `user ${identifier.userId}`;
}

/** "ProductBridge has no user … in this organization": every operation says it the same way. */
export function notFoundMessage(identifier: UserIdentifier): string {
	return `ProductBridge has no ${describeIdentifier(identifier)} in this organization`;
}

/** The error for a user the organization does not have, with 'If User Not Found' set to 'Error'. */
export function userNotFoundError(
	node: INode,
	itemIndex: number,
	identifier: UserIdentifier,
): NodeApiError {
	return notFoundError(
		node,
		itemIndex,
		notFoundMessage(identifier),
		"The user is not linked to this organization, or the link was already removed. Set 'If User Not Found' to 'Continue' to let such items pass as not found.",
	);
}

/** Looks the user up by whichever identifier the item carries. */
export async function lookUpUser(
	client: ProductBridgeClient,
	identifier: UserIdentifier,
): Promise<RetrieveResult> {
	return await client.retrieveUser(
		identifier.by === 'email'
			? { email: identifier.email }
			: { user_id: canonicalUuid(identifier.userId) },
	);
}
