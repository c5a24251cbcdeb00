import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { contradictionError, notFoundError } from '../../helpers/errors';
import { readChoice, readFlag } from '../../helpers/itemParameter';
import { canonicalUuid } from '../../helpers/validation';
import { ProductBridgeFailure } from '../../transport';
import type { ProductBridgeClient, ProductBridgeUser } from '../../transport';
import { describeDeleteRun, markOutcomeUnknown } from './deleteRecord';
import { emailKey, EarlierRuns, MAYBE_BY_EARLIER_RUN, REMOVED_BY_EARLIER_RUN } from './earlierRuns';
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

export interface DeleteInput {
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
	/** The first attempt's answer was lost, and the retry found the looked-up user already gone. */
	confirmed_on_retry: boolean;
	/**
	 * Verify Removal: true when ProductBridge answered "user not found" after the delete (or to
	 * it); null when not checked (option off, nothing sent, or the check itself failed).
	 */
	verified: boolean | null;
	note: string | null;
	/** ISO 8601: when the outcome was settled (the deciding answer, or the decision not to send). */
	at: string;
}

export async function execute(
	this: IExecuteFunctions,
	input: DeleteInput,
	itemIndex: number,
	client: ProductBridgeClient,
): Promise<IDataObject> {
	const deletion = new OneDeletion(this, input, itemIndex, client);
	const { identifier } = input;
	if (identifier.by === 'userId' && !input.dryRun) {
		return await deletion.byId(identifierFields(identifier), canonicalUuid(identifier.userId));
	}
	return await deletion.byLookup();
}

/** One item's deletion: by id, or looked up first; what earlier runs did; the check afterwards. */
class OneDeletion {
	private readonly context: IExecuteFunctions;

	private readonly input: DeleteInput;

	private readonly itemIndex: number;

	private readonly client: ProductBridgeClient;

	private readonly earlier: EarlierRuns;

	/**
	 * `verified` for a user ProductBridge's own 404 to a request by id says is not linked: nothing
	 * more to ask. (A 404 to a lookup by email proves only that this spelling is not linked.)
	 */
	private readonly notLinked: true | null;

	constructor(
		context: IExecuteFunctions,
		input: DeleteInput,
		itemIndex: number,
		client: ProductBridgeClient,
	) {
		this.context = context;
		this.input = input;
		this.itemIndex = itemIndex;
		this.client = client;
		this.earlier = new EarlierRuns(context, client);
		this.notLinked = this.verifying() ? true : null;
	}

	async byId(shown: IDataObject, userId: string): Promise<DeleteOutput> {
		const result = await this.earlier.watch(shown, [userId], () => this.client.deleteUser(userId));
		if (result.deleted) return await this.withCheck(output(shown, 'deleted'), userId);
		if (!result.outcomeUnknown) return this.notFoundAfterEarlierRuns(shown, userId);
		// An earlier run of this node in this execution proved it removed them: the lost answer
		// changes nothing.
		if (this.earlier.recall(userId)?.removed) return this.notFoundAfterEarlierRuns(shown, userId);
		// Nothing proved the user was linked before this run: removed by us, or never there.
		if (this.input.onNotFound === 'error') this.failAmbiguous();
		const ambiguous = output(shown, 'deleted_or_not_found', { note: AMBIGUOUS_NOTE });
		return await this.withCheck(ambiguous, userId);
	}

	async byLookup(): Promise<DeleteOutput> {
		const { identifier, dryRun } = this.input;
		const found = await lookUpUser(this.client, identifier);
		if (!found.found) {
			const shown = identifierFields(identifier);
			if (dryRun) return this.notFound(shown, null);
			return this.notFoundAfterEarlierRuns(shown, emailKey(identifier), null);
		}
		const shown = auditFields(found.user);
		if (dryRun) return output(shown, 'would_delete');
		// From here on the user goes by the id the lookup found, never by email again: the email
		// could match somebody else by the time of the check.
		const userId = found.user.user_id;
		const keys = [canonicalUuid(userId), emailKey(identifier)];
		const result = await this.earlier.watch(shown, keys, () => this.client.deleteUser(userId));
		if (result.deleted) return await this.withCheck(output(shown, 'deleted'), userId);
		// The lookup proved the user was linked: a lost answer then "not found" is our own removal.
		if (result.outcomeUnknown) {
			return await this.withCheck(output(shown, 'deleted', { confirmed_on_retry: true }), userId);
		}
		// Removed by someone else between the lookup and the delete.
		return this.notFound(shown);
	}

	private verifying(): boolean {
		return this.input.verifyRemoval && !this.input.dryRun;
	}

	private notFound(shown: IDataObject, verified = this.notLinked): DeleteOutput {
		if (this.input.onNotFound === 'error') {
			throw userNotFoundError(this.context.getNode(), this.itemIndex, this.input.identifier);
		}
		return output(shown, 'not_found', { verified });
	}

	/** Not found now, after an earlier run of this node in this execution removed them or may have. */
	private notFoundAfterEarlierRuns(
		shown: IDataObject,
		key: string,
		verified = this.notLinked,
	): DeleteOutput {
		const before = this.earlier.recall(key);
		if (before === undefined) return this.notFound(shown, verified);
		const checked = { verified: this.notLinked };
		if (before.removed) {
			return output(before.shown, 'deleted', { note: REMOVED_BY_EARLIER_RUN, ...checked });
		}
		if (this.input.onNotFound === 'error') this.failAmbiguous();
		return output(before.shown, 'deleted_or_not_found', { note: MAYBE_BY_EARLIER_RUN, ...checked });
	}

	private failAmbiguous(): never {
		const error = notFoundError(
			this.context.getNode(),
			this.itemIndex,
			`${notFoundMessage(this.input.identifier)} now`,
			AMBIGUOUS_NOTE,
		);
		markOutcomeUnknown(error);
		throw error;
	}

	private async withCheck(item: DeleteOutput, userId: string): Promise<DeleteOutput> {
		if (!this.verifying()) return item;
		return await verify(this.context, item, userId, this.itemIndex, this.client);
	}
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
	const check = await client
		.retrieveUser({ user_id: userId }, { afterDelete: true })
		.catch((error: unknown) => {
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
		verified: null,
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

/** What the run had done with its items, for the error when a failure stops it. */
export const describeCompleted = describeDeleteRun;
