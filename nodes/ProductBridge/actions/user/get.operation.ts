import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readChoice } from '../../helpers/itemParameter';
import type { ProductBridgeClient } from '../../transport';
import type { UserIdentifier } from './identify';
import {
	identifierFields,
	identifyProperties,
	lookUpUser,
	ON_NOT_FOUND,
	onNotFoundProperty,
	readIdentifier,
	userNotFoundError,
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

interface GetInput {
	identifier: UserIdentifier;
	onNotFound: 'continue' | 'error';
}

export function readInput(this: IExecuteFunctions, itemIndex: number): GetInput {
	return {
		identifier: readIdentifier(this, itemIndex),
		onNotFound: readChoice(this, 'onNotFound', 'If User Not Found', itemIndex, ON_NOT_FOUND),
	};
}

/** The user object's documented fields: every Get item has them, null where unknown. */
const USER_FIELDS = [
	'id',
	'user_id',
	'email',
	'name',
	'avatar_url',
	'portal_role',
	'company_name',
	'customer_status',
	'created_at',
] as const;

const NO_USER: IDataObject = Object.fromEntries(USER_FIELDS.map((field) => [field, null]));

export async function execute(
	this: IExecuteFunctions,
	{ identifier, onNotFound }: GetInput,
	itemIndex: number,
	client: ProductBridgeClient,
): Promise<IDataObject> {
	const result = await lookUpUser(client, identifier);
	if (result.found) return { ...NO_USER, ...result.user, status: 'found' };
	if (onNotFound === 'continue') {
		return { ...NO_USER, ...identifierFields(identifier), status: 'not_found' };
	}
	throw userNotFoundError(this.getNode(), itemIndex, identifier);
}
