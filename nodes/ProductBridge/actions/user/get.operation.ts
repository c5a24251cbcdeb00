import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { notFoundError } from '../../helpers/errors';
import type { ProductBridgeClient } from '../../transport';
import {
	describeIdentifier,
	identifierFields,
	identifyProperties,
	lookUpUser,
	onNotFoundProperty,
	readIdentifier,
} from './identify';

export const option = {
	name: 'Get',
	description: 'Look a user of your organization up by user ID or email',
	action: 'Get a user',
};

const properties: INodeProperties[] = [
	...identifyProperties,
	onNotFoundProperty(
		"Pass the item on with status 'not_found' and the identifier",
		'What to do when the user is not linked to this organization',
	),
];

const displayOptions = { show: { resource: ['user'], operation: ['get'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	client: ProductBridgeClient,
): Promise<IDataObject> {
	const identifier = readIdentifier(this, itemIndex);
	const user = await lookUpUser(this, client, identifier, itemIndex);
	if (user !== undefined) return user;
	if (this.getNodeParameter('onNotFound', itemIndex) === 'continue') {
		return { ...identifierFields(identifier), status: 'not_found' };
	}
	throw notFoundError(this.getNode(), itemIndex, describeIdentifier(identifier), client);
}
