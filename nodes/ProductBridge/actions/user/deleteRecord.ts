import { canonicalUuid } from '../../helpers/validation';
import { ProductBridgeFailure } from '../../transport';
import type { CompletedWork, RunRecord } from '../node.type';
import type { DeleteInput } from './delete.operation';
import type { UserIdentifier } from './identify';

/* What a stopped Delete run had done with its items, for the error that stops it. */

/** Failures after which a user may have been removed although the item failed. */
const outcomeUnknownFailures = new WeakSet<object>();

/** A failure after which the user may have been removed (a lost answer, then "not found now"). */
export function markOutcomeUnknown(error: object): void {
	outcomeUnknownFailures.add(error);
}

export function describeDeleteRun(record: RunRecord<DeleteInput>): CompletedWork | undefined {
	const tally = tallyOf(record);
	const { removed, unknown, notSent, notCarriedOut } = tally;
	if (removed.length + unknown.length + notSent + notCarriedOut === 0) return undefined;
	return { inBrief: inBrief(tally), inFull: inFull(tally) };
}

/** What became of a stopped run's users: removed, maybe removed, and how many not sent or not carried out. */
interface Tally {
	removed: string[];
	unknown: string[];
	notSent: number;
	notCarriedOut: number;
}

function tallyOf(record: RunRecord<DeleteInput>): Tally {
	const usersWith = (status: string) =>
		record.outputs
			.filter((item) => item.status === status)
			.map((item) => canonicalUuid(item.user_id as string));
	const everyFailed = [record.deciding, ...record.failed];
	const unknownFailed = everyFailed.flatMap(({ input, error }) =>
		input !== undefined && isOutcomeUnknown(error) ? [describeUser(input.identifier)] : [],
	);
	return {
		removed: [...new Set(usersWith('deleted'))],
		unknown: [...new Set([...usersWith('deleted_or_not_found'), ...unknownFailed])],
		notSent: record.notStarted + everyFailed.filter(({ error }) => nothingSent(error)).length,
		// Sent, answered, and not carried out: refused, or halted between attempts. The deciding
		// item's own error says what happened to it.
		notCarriedOut: record.failed.filter(
			({ error }) => !nothingSent(error) && !isOutcomeUnknown(error),
		).length,
	};
}

function inBrief({ removed, unknown, notSent, notCarriedOut }: Tally): string {
	return [
		inBriefDone(removed.length, unknown.length),
		notSent > 0 ? `${items(notSent)} not sent` : '',
		notCarriedOut > 0 ? `${items(notCarriedOut)} not carried out` : '',
	]
		.filter(Boolean)
		.join('; ');
}

function inFull({ removed, unknown, notSent, notCarriedOut }: Tally): string {
	return [
		removed.length > 0
			? `Removed by this run before it stopped, and still removed: ${listed(removed)}.`
			: '',
		unknown.length > 0
			? `May have been removed by this run (the outcome is unknown: check in ProductBridge before running them again): ${listed(unknown)}.`
			: '',
		notSent > 0 ? `Not sent, safe to run again: ${items(notSent)}.` : '',
		notCarriedOut > 0
			? `Sent but not carried out (refused, or stopped between attempts), safe to run again once the cause is fixed: ${items(notCarriedOut)}.`
			: '',
	]
		.filter(Boolean)
		.join(' ');
}

function inBriefDone(removed: number, unknown: number): string {
	if (removed === 0) return unknown === 0 ? '' : `this run may have removed ${count(unknown)}`;
	const also = unknown > 0 ? ` and may have removed ${unknown} more` : '';
	return `this run had already removed ${count(removed)}${also}`;
}

/** Whether the user may have been removed although the item failed. */
export function isOutcomeUnknown(error: unknown): boolean {
	if (error instanceof ProductBridgeFailure) return error.outcomeUnknown;
	return typeof error === 'object' && error !== null && outcomeUnknownFailures.has(error);
}

function nothingSent(error: unknown): boolean {
	return error instanceof ProductBridgeFailure && error.nothingSent;
}

/** The user as the item named them: the canonical id, or the email looked up. */
function describeUser(identifier: UserIdentifier): string {
	return identifier.by === 'userId' ? canonicalUuid(identifier.userId) : identifier.email;
}

function listed(users: string[]): string {
	const shown = users.slice(0, COMPLETED_IDS_SHOWN).join(', ');
	const more = users.length - COMPLETED_IDS_SHOWN;
	return more > 0 ? `${shown} and ${more} more` : shown;
}

const COMPLETED_IDS_SHOWN = 20;

function count(users: number): string {
	return users === 1 ? '1 user' : `${users} users`;
}

function items(how: number): string {
	return how === 1 ? '1 item' : `${how} items`;
}
