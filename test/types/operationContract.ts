/**
 * Compile-time checks of the operation contract, run by `npm run typecheck` (tsc fails when an
 * `@ts-expect-error` line compiles cleanly). Nothing here runs.
 */
import type { IDataObject } from 'n8n-workflow';

import { toOperations } from '../../nodes/ProductBridge/actions/node.type.ts';

const option = { name: 'Check', action: 'Check a user' };

const reads = {
	option,
	description: [],
	readInput: () => ({ userId: 'u' }),
	execute: async (input: { userId: string }): Promise<IDataObject> => ({ user_id: input.userId }),
};

const expectsMore = {
	option,
	description: [],
	readInput: () => ({ userId: 'u' }),
	execute: async (input: { userId: string; dryRun: boolean }): Promise<IDataObject> => ({
		dry_run: input.dryRun,
	}),
};

const expectsOther = {
	option,
	description: [],
	readInput: () => 'u',
	execute: async (input: { userId: string }): Promise<IDataObject> => ({ user_id: input.userId }),
};

export const matching = toOperations({ reads });

// @ts-expect-error: execute needs a dryRun that readInput never returns.
export const missingField = toOperations({ reads, expectsMore });

// @ts-expect-error: readInput returns text, execute expects an object.
export const otherShape = toOperations({ expectsOther });
