import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { z } from 'zod/v4';

import { failureToNodeError, notFoundError, unexpectedBodyError } from '../../helpers/errors';
import { canonicalUserId, requireUserId } from '../../helpers/validation';
import type { ProductBridgeClient } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName:
			"Removes the user's link to your organization (a soft delete). The user keeps their other organizations, and their posts, comments and votes stay here for audit.",
		name: 'softDeleteNotice',
		type: 'notice',
		default: '',
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
	},
	{
		displayName: 'If User Not Found',
		name: 'onNotFound',
		type: 'options',
		options: [
			{
				name: 'Continue',
				value: 'continue',
				description: "Pass the item on with status 'not_found' and deleted: false",
			},
			{
				name: 'Fail the Item',
				value: 'error',
				description:
					"Treat it as an error; with Settings → On Error → 'Continue (using error output)' the item goes to the error branch",
			},
		],
		default: 'continue',
		description:
			'What to do when the user is not linked to this organization, including when it was already removed (a second delete of the same user finds nothing)',
	},
];

export const option = {
	name: 'Delete',
	description: 'Remove a user from your organization (account closure, GDPR-style removal)',
	action: 'Delete a user',
};

const displayOptions = { show: { resource: ['user'], operation: ['delete'] } };

export const description = updateDisplayOptions(displayOptions, properties);

const deletedAnswer = z.object({ success: z.literal(true) });

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: ProductBridgeClient,
): Promise<IDataObject> {
	const node = this.getNode();
	const userId = requireUserId(node, itemIndex, this.getNodeParameter('userId', itemIndex));
	const onNotFound = this.getNodeParameter('onNotFound', itemIndex) as 'continue' | 'error';

	const outcome = await client.post('/users/delete', {
		user_id: canonicalUserId(userId),
	});

	if (outcome.kind === 'answer' && outcome.statusCode === 200) {
		if (!deletedAnswer.safeParse(outcome.body).success) {
			throw unexpectedBodyError(node, itemIndex, outcome.body, '{"success": true}', client);
		}
		return { user_id: userId, status: 'deleted', deleted: true };
	}
	if (outcome.kind === 'answer' && outcome.statusCode === 404) {
		if (outcome.afterUncertainAttempt) {
			// An earlier attempt reached ProductBridge and removed the user before its answer was lost.
			return {
				user_id: userId,
				status: 'deleted',
				deleted: true,
				confirmed_on_retry: true,
			};
		}
		if (onNotFound === 'continue') return { user_id: userId, status: 'not_found', deleted: false };
		throw notFoundError(node, itemIndex, `user ${userId}`, client);
	}
	throw failureToNodeError(node, outcome, itemIndex, client);
}
