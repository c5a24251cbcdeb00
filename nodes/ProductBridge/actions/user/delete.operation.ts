import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { contradictionError, notFoundError } from '../../helpers/errors';
import { readChoice, readFlag } from '../../helpers/itemParameter';
import { canonicalUserId } from '../../helpers/validation';
import type { ProductBridgeClient, ProductBridgeUser } from '../../transport';
import { ProductBridgeFailure } from '../../transport';
import type { CompletedWork } from '../node.type';
import type { UserIdentifier } from './identify';
import {
	identifierFields,
	identifyProperties,
	lookUpUser,
	notFoundMessage,
	ON_NOT_FOUND,
	onNotFoundProperty,
	readIdentifier,
	userNotFoundError,
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
	verifyRemoval: boolean;
}

export function readInput(this: IExecuteFunctions, itemIndex: number): DeleteInput {
	return {
		identifier: readIdentifier(this, itemIndex),
		dryRun: readFlag(this, 'options.dryRun', 'Options → Dry Run', itemIndex),
		onNotFound: readChoice(this, 'onNotFound', 'If User Not Found', itemIndex, ON_NOT_FOUND),
		verifyRemoval: readFlag(this, 'options.verifyRemoval', 'Options → Verify Removal', itemIndex),
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
	/**
	 * Verify Removal: true when ProductBridge answered "user not found" after the delete (or to
	 * it); null when not checked (option off, nothing sent, or the check itself failed).
	 */
	verified: boolean | null;
	note: string | null;
}

export async function execute(
	this: IExecuteFunctions,
	{ identifier, dryRun, onNotFound, verifyRemoval }: DeleteInput,
	itemIndex: number,
	client: ProductBridgeClient,
): Promise<IDataObject> {
	const fail = (message: string, description: string): never => {
		throw notFoundError(this.getNode(), itemIndex, message, description);
	};
	const verifying = verifyRemoval && !dryRun;
	// ProductBridge's own 404 already says the user is not linked: nothing more to ask.
	const notFound = (shown: IDataObject) => {
		if (onNotFound === 'error') throw userNotFoundError(this.getNode(), itemIndex, identifier);
		return output(shown, 'not_found', { verified: verifying ? true : null });
	};
	const removed = async (item: DeleteOutput, userId: string) =>
		verifying ? await verify(this, item, userId, itemIndex, client) : item;

	if (identifier.by === 'userId' && !dryRun) {
		const shown = identifierFields(identifier);
		const userId = canonicalUserId(identifier.userId);
		const result = await client.deleteUser(userId);
		if (result.deleted) return await removed(output(shown, 'deleted'), userId);
		if (!result.afterLostAnswer) return notFound(shown);
		// Nothing proved the user was linked before this run: removed by us, or never there.
		if (onNotFound === 'error') fail(`${notFoundMessage(identifier)} now`, AMBIGUOUS_NOTE);
		const ambiguous = output(shown, 'deleted_or_not_found', { note: AMBIGUOUS_NOTE });
		return await removed(ambiguous, userId);
	}

	const found = await lookUpUser(client, identifier);
	if (!found.found) return notFound(identifierFields(identifier));
	const shown = auditFields(found.user);
	if (dryRun) return output(shown, 'would_delete');
	// From here on the user goes by the id the lookup found, never by email again: the email could
	// match somebody else by the time of the check.
	const userId = found.user.user_id;
	const result = await client.deleteUser(userId);
	if (result.deleted) return await removed(output(shown, 'deleted'), userId);
	// The lookup proved the user was linked: a lost answer then "not found" is our own removal.
	if (result.afterLostAnswer) {
		return await removed(output(shown, 'deleted', { confirmed_on_retry: true }), userId);
	}
	// Removed by someone else between the lookup and the delete.
	return notFound(shown);
}

/**
 * Verify Removal: asks ProductBridge for the user once the delete's outcome is settled. Only its
 * "user not found" proves the end state; a user it still returns fails the item. A check that
 * cannot be made leaves the removal as the delete's answer settled it, saying so in the note.
 */
async function verify(
	context: IExecuteFunctions,
	item: DeleteOutput,
	userId: string,
	itemIndex: number,
	client: ProductBridgeClient,
): Promise<DeleteOutput> {
	const check = await client.retrieveUser({ user_id: userId }).catch((error: unknown) => {
		if (error instanceof ProductBridgeFailure) return error;
		throw error;
	});
	if (check instanceof ProductBridgeFailure) {
		return { ...item, note: joinNotes(item.note, notVerifiedNote(check)) };
	}
	if (check.found) {
		throw contradictionError(
			context.getNode(),
			itemIndex,
			STILL_LISTED,
			stillListedDescription(item, userId),
			{ verified: false },
		);
	}
	const note = item.status === 'deleted_or_not_found' ? AMBIGUOUS_VERIFIED_NOTE : item.note;
	return { ...item, verified: true, note };
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

const LOST_THEN_NOT_FOUND =
	'The answer to the first delete request was lost (a timeout, a dropped connection or a gateway error), and the retry found that this user is not in the organization now. This run may or may not have removed them: they were either removed by that first request or were never linked.';

const AMBIGUOUS_NOTE = `${LOST_THEN_NOT_FOUND} Either way, they are not linked now.`;

const AMBIGUOUS_VERIFIED_NOTE = `${LOST_THEN_NOT_FOUND} Verified afterwards: ProductBridge confirms they are not linked now; who removed them stays unknown.`;

const STILL_LISTED = 'ProductBridge still lists this user after removing them';

function stillListedDescription(item: DeleteOutput, userId: string): string {
	const answered =
		item.status === 'deleted' && !item.confirmed_on_retry
			? 'answered the delete as done'
			: 'answered that the user is not linked';
	return `ProductBridge ${answered} for user ${userId}, but asked right afterwards (Verify Removal) it still returned them: they are still linked to this organization. Check the user in ProductBridge, then run this item again.`;
}

function notVerifiedNote(failure: ProductBridgeFailure): string {
	return `Verify Removal could not check the end state (${failure.message}), so verified stays null: the outcome above rests on the delete's answer alone.`;
}

function joinNotes(first: string | null, second: string): string {
	return first === null ? second : `${first} ${second}`;
}

function count(users: number): string {
	return users === 1 ? '1 user' : `${users} users`;
}

function output(
	shown: IDataObject,
	status: Status,
	extra: Partial<DeleteOutput> = {},
): DeleteOutput {
	return {
		user_id: (shown.user_id as string | null) ?? null,
		email: (shown.email as string | null) ?? null,
		name: (shown.name as string | null) ?? null,
		status,
		deleted: status === 'deleted' ? true : status === 'deleted_or_not_found' ? null : false,
		confirmed_on_retry: false,
		verified: null,
		note: null,
		...extra,
	};
}

/** What an audit trail needs of a user that was looked up. */
function auditFields(user: ProductBridgeUser): IDataObject {
	return { user_id: user.user_id, email: user.email ?? null, name: user.name ?? null };
}
