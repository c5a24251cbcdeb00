import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod/v4';

import { failureToNodeError, notFoundError, unexpectedBodyError } from '../../helpers/errors';
import { canonicalUserId } from '../../helpers/validation';
import type { ProductBridgeClient } from '../../transport';
import type { RetrievedUser, UserIdentifier } from './identify';
import {
	describeIdentifier,
	identifierFields,
	identifyProperties,
	lookUpUser,
	onNotFoundProperty,
	readIdentifier,
} from './identify';

export const option = {
	name: 'Delete',
	description: 'Remove a user from your organization (account closure, GDPR-style removal)',
	action: 'Delete a user',
};

const properties: INodeProperties[] = [
	{
		displayName:
			"Removes the user's link to your organization (a soft delete). The user keeps their other organizations, and their posts, comments and votes stay here for audit.",
		name: 'softDeleteNotice',
		type: 'notice',
		default: '',
	},
	...identifyProperties,
	onNotFoundProperty(
		"Pass the item on with status 'not_found' and deleted: false",
		'What to do when the user is not linked to this organization, including when it was already removed (a second delete of the same user finds nothing)',
	),
];

const displayOptions = { show: { resource: ['user'], operation: ['delete'] } };

export const description = updateDisplayOptions(displayOptions, properties);

const deletedAnswer = z.object({ success: z.literal(true) });

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: ProductBridgeClient,
): Promise<IDataObject> {
	const identifier = readIdentifier(this, itemIndex);
	const dryRun = this.getNodeParameter('options.dryRun', itemIndex, false) as boolean;
	if (identifier.by === 'userId' && !dryRun) {
		const shown = { user_id: identifier.userId };
		return await deleteUser(this, client, identifier.userId, shown, identifier, itemIndex);
	}

	const found = await lookUpUser(this, client, identifier, itemIndex);
	if (found === undefined) {
		return notFound(this, identifierFields(identifier), identifier, itemIndex, client);
	}
	if (dryRun) return { ...auditFields(found), status: 'would_delete', deleted: false };
	return await deleteUser(this, client, found.user_id, auditFields(found), identifier, itemIndex);
}

async function deleteUser(
	context: IExecuteFunctions,
	client: ProductBridgeClient,
	userId: string,
	shown: IDataObject,
	identifier: UserIdentifier,
	itemIndex: number,
): Promise<IDataObject> {
	const outcome = await client.post('/users/delete', { user_id: canonicalUserId(userId) });
	if (outcome.kind === 'answer' && outcome.statusCode === 200) {
		if (!deletedAnswer.safeParse(outcome.body).success) {
			throw unexpectedBodyError(
				context.getNode(),
				itemIndex,
				outcome.body,
				'{"success": true}',
				client,
			);
		}
		return { ...shown, status: 'deleted', deleted: true };
	}
	if (outcome.kind === 'answer' && outcome.statusCode === 404) {
		if (outcome.afterUncertainAttempt) {
			// An earlier attempt reached ProductBridge and removed the user before its answer was lost.
			return { ...shown, status: 'deleted', deleted: true, confirmed_on_retry: true };
		}
		// Removed between the lookup and the delete: keep what the lookup found for the audit trail.
		return notFound(context, shown, identifier, itemIndex, client);
	}
	throw failureToNodeError(context.getNode(), outcome, itemIndex, client);
}

/** What an audit trail needs of a user that was looked up. */
function auditFields(user: RetrievedUser): IDataObject {
	return { user_id: user.user_id, email: user.email ?? null, name: user.name ?? null };
}

function notFound(
	context: IExecuteFunctions,
	shown: IDataObject,
	identifier: UserIdentifier,
	itemIndex: number,
	client: ProductBridgeClient,
): IDataObject {
	if (context.getNodeParameter('onNotFound', itemIndex) === 'continue') {
		return { ...shown, status: 'not_found', deleted: false };
	}
	throw notFoundError(context.getNode(), itemIndex, describeIdentifier(identifier), client);
}
