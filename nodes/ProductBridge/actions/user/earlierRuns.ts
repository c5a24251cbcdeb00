import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { ExecutionMemory, executionScope } from '../../helpers/executionMemory';
import type { DeleteResult, ProductBridgeClient } from '../../transport';
import type { UserIdentifier } from './identify';
import { isOutcomeUnknown } from './deleteRecord';

/** What an earlier run of this node in this execution did to a user (n8n's Retry On Fail). */
export interface EarlierRemoval {
	/** true: removed; false: the outcome was unknown. */
	removed: boolean;
	shown: IDataObject;
}

const earlierRemovals = new ExecutionMemory<EarlierRemoval>();

/** This execution's record of removals for this node, for the runs n8n's Retry On Fail adds. */
export class EarlierRuns {
	private readonly scope: string | undefined;

	constructor(context: IExecuteFunctions, client: ProductBridgeClient) {
		this.scope = executionScope(context, client.credentialScope);
	}

	recall(key: string): EarlierRemoval | undefined {
		return this.scope === undefined ? undefined : earlierRemovals.recall(this.scope, key);
	}

	/** Runs the delete, remembering under `keys` that it removed the user, or may have. */
	async watch(
		shown: IDataObject,
		keys: string[],
		remove: () => Promise<DeleteResult>,
	): Promise<DeleteResult> {
		const settled = await remove().then(
			(result) => ({ ok: true as const, result }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		if (!settled.ok) {
			if (isOutcomeUnknown(settled.error)) this.remember(keys, { removed: false, shown });
			throw settled.error;
		}
		const { result } = settled;
		if (result.deleted) this.remember(keys, { removed: true, shown });
		else if (result.outcomeUnknown) this.remember(keys, { removed: false, shown });
		return result;
	}

	private remember(keys: string[], removal: EarlierRemoval): void {
		if (this.scope === undefined) return;
		for (const key of keys) {
			// A removal proven once stays proven, whatever a later run could not tell.
			if (!removal.removed && earlierRemovals.recall(this.scope, key)?.removed) continue;
			earlierRemovals.remember(this.scope, key, removal);
		}
	}
}

export function emailKey(identifier: UserIdentifier): string {
	return `email ${identifier.by === 'email' ? identifier.email : ''}`;
}

export const REMOVED_BY_EARLIER_RUN =
	'Removed earlier in this execution by this node (an earlier run, when Settings → Retry On Fail ran the node again after it failed, or an earlier pass of a loop): ProductBridge confirmed that removal, so it now finds the user gone.';

export const MAYBE_BY_EARLIER_RUN =
	'Earlier in this execution this node sent a delete for this user whose answer was lost (an earlier run under Settings → Retry On Fail, or an earlier pass of a loop), and now ProductBridge finds the user not in the organization: removed by that request, or never linked. Either way, they are not linked now.';
