import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { notFoundError } from '../../helpers/errors';
import { readChoice, readFlag } from '../../helpers/itemParameter';
import { canonicalUserId } from '../../helpers/validation';
import type { ProductBridgeClient, ProductBridgeUser } from '../../transport';
import type { CompletedWork } from '../node.type';
import type { UserIdentifier } from './identify';
import {
	describeIdentifier,
	identifierFields,
	identifyProperties,
	lookUpUser,
	ON_NOT_FOUND,
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

interface DeleteInput {
	identifier: UserIdentifier;
	dryRun: boolean;
	onNotFound: 'continue' | 'error';
}

export function readInput(this: IExecuteFunctions, itemIndex: number): DeleteInput {
	return {
		identifier: readIdentifier(this, itemIndex),
		dryRun: readFlag(this, 'options.dryRun', 'Options → Dry Run', itemIndex),
		onNotFound: readChoice(this, 'onNotFound', 'If User Not Found', itemIndex, ON_NOT_FOUND),
	};
}

type Status = 'deleted' | 'not_found' | 'would_delete' | 'deleted_or_not_found';

/** Every Delete item has these keys, so a run's items line up as rows of an audit sheet. */
interface DeleteOutput extends IDataObject {
	user_id: string | null;
	email: string | null;
	name: string | null;
	status: Status;
	/** null when nobody can know (see `deleted_or_not_found`). */
	deleted: boolean | null;
	/** The first try's answer was lost, and the retry found the looked-up user already gone. */
	confirmed_on_retry: boolean;
	note: string | null;
	/** ISO 8601: when the outcome was settled (the deciding answer, or the decision not to send). */
	at: string;
}

export async function execute(
	this: IExecuteFunctions,
	{ identifier, dryRun, onNotFound }: DeleteInput,
	itemIndex: number,
	client: ProductBridgeClient,
): Promise<IDataObject> {
	const fail = (message: string, description: string): never => {
		throw notFoundError(this.getNode(), itemIndex, message, description);
	};
	const notFound = (shown: IDataObject) => {
		if (onNotFound === 'error') fail(notFoundMessage(identifier), NOT_FOUND_DESCRIPTION);
		return output(shown, 'not_found');
	};

	if (identifier.by === 'userId' && !dryRun) {
		const shown = identifierFields(identifier);
		const result = await client.deleteUser(canonicalUserId(identifier.userId));
		if (result.deleted) return output(shown, 'deleted');
		if (!result.afterLostAnswer) return notFound(shown);
		// Nothing proved the user was linked before this run: removed by us, or never there.
		if (onNotFound === 'error') fail(`${notFoundMessage(identifier)} now`, AMBIGUOUS_NOTE);
		return output(shown, 'deleted_or_not_found', { note: AMBIGUOUS_NOTE });
	}

	const found = await lookUpUser(client, identifier);
	if (!found.found) return notFound(identifierFields(identifier));
	const shown = auditFields(found.user);
	if (dryRun) return output(shown, 'would_delete');
	const result = await client.deleteUser(found.user.user_id);
	if (result.deleted) return output(shown, 'deleted');
	// The lookup proved the user was linked: a lost answer then "not found" is our own removal.
	if (result.afterLostAnswer) return output(shown, 'deleted', { confirmed_on_retry: true });
	// Removed by someone else between the lookup and the delete.
	return notFound(shown);
}

export function describeCompleted(outputs: IDataObject[]): CompletedWork | undefined {
	const removed = [
		...new Set(
			outputs
				.filter((item) => item.deleted === true)
				.map((item) => canonicalUserId(item.user_id as string)),
		),
	];
	const ambiguous = outputs.filter((item) => item.status === 'deleted_or_not_found').length;
	if (removed.length === 0 && ambiguous === 0) return undefined;
	const shownIds = removed.slice(0, COMPLETED_IDS_SHOWN).join(', ');
	const more =
		removed.length > COMPLETED_IDS_SHOWN ? ` and ${removed.length - COMPLETED_IDS_SHOWN} more` : '';
	return {
		inBrief: `this run had already removed ${count(removed.length)}`,
		inFull: [
			removed.length > 0
				? `Removed by this run before it stopped, and still removed: ${shownIds}${more}.`
				: '',
			ambiguous > 0
				? `${count(ambiguous)} may also have been removed (status deleted_or_not_found).`
				: '',
		]
			.filter(Boolean)
			.join(' '),
	};
}

const COMPLETED_IDS_SHOWN = 20;

const NOT_FOUND_DESCRIPTION =
	"The user is not linked to this organization, or the link was already removed. Set 'If User Not Found' to 'Continue' to let such items pass as not found.";

const AMBIGUOUS_NOTE =
	'The answer to the first delete request was lost (a timeout, a dropped connection or a gateway error), and the retry found that this user is not in the organization now. This run may or may not have removed them: they were either removed by that first request or were never linked. Either way, they are not linked now.';

function notFoundMessage(identifier: UserIdentifier): string {
	return `ProductBridge has no ${describeIdentifier(identifier)} in this organization`;
}

function count(users: number): string {
	return users === 1 ? '1 user' : `${users} users`;
}

function output(
	shown: IDataObject,
	status: Status,
	extra: Partial<Omit<DeleteOutput, 'at'>> = {},
): DeleteOutput {
	return {
		user_id: (shown.user_id as string | null) ?? null,
		email: (shown.email as string | null) ?? null,
		name: (shown.name as string | null) ?? null,
		status,
		deleted: status === 'deleted' ? true : status === 'deleted_or_not_found' ? null : false,
		confirmed_on_retry: false,
		note: null,
		...extra,
		// Built as soon as the deciding answer is read, so now is when the outcome was settled.
		at: new Date().toISOString(),
	};
}

/** What an audit trail needs of a user that was looked up. */
function auditFields(user: ProductBridgeUser): IDataObject {
	return { user_id: user.user_id, email: user.email ?? null, name: user.name ?? null };
}
