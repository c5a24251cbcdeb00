import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import type { ProductBridgeClient } from '../transport';

/** What a stopped run had already done, for the error that stops it. */
export interface CompletedWork {
	/** Added to the error's message, e.g. "this run had already removed 49 users". */
	inBrief: string;
	/** Added to the error's description: the details an audit needs. */
	inFull: string;
}

/** What a run that stops had done with its items, for the error that stops it. */
export interface RunRecord<Input> {
	/** The outputs of the items that completed. */
	outputs: IDataObject[];
	/** The item whose failure stopped the run, with what it threw. */
	deciding: FailedItem<Input>;
	/** The other items that failed (no input where the item could not be read). */
	failed: Array<FailedItem<Input>>;
	/** Items the run never started. */
	notStarted: number;
}

export interface FailedItem<Input> {
	input: Input | undefined;
	error: unknown;
}

/**
 * What every `<operation>.operation.ts` exports. `readInput` and `execute` are properties, not
 * methods, so that TypeScript checks `execute`'s input against what `readInput` returns (method
 * parameters are compared both ways, which would let a mismatch through).
 */
export interface OperationModule<Input> {
	/** The entry in the Operation dropdown (its value is the key the resource registers it under). */
	option: Omit<INodePropertyOptions, 'value'>;
	description: INodeProperties[];
	/**
	 * Reads and checks one item's parameters, sending nothing. Throws a NodeOperationError for an
	 * item that cannot be sent; the router reads every item before the first request.
	 */
	readInput: (this: IExecuteFunctions, itemIndex: number) => Input;
	/** Handles one item; throws for an item that fails. */
	execute: (
		this: IExecuteFunctions,
		input: Input,
		itemIndex: number,
		client: ProductBridgeClient,
	) => Promise<IDataObject>;
	/** What the run had done with every item, when a failure stops the node. */
	describeCompleted?: (record: RunRecord<Input>) => CompletedWork | undefined;
}

/** One item's parameters, read and checked, bound to the operation that will send them. */
export interface PreparedItem {
	send(client: ProductBridgeClient): Promise<IDataObject>;
}

/** An operation as the router sees it: whatever its input type, each item is read, then sent. */
export interface Operation {
	option: Omit<INodePropertyOptions, 'value'>;
	description: INodeProperties[];
	readItem(context: IExecuteFunctions, itemIndex: number): PreparedItem;
	describeCompleted?: (record: RunRecord<PreparedItem>) => CompletedWork | undefined;
}

export type ResourceOperations = Record<string, Operation>;

/** What a module's `readInput` returns. */
type InputOf<Module> = Module extends { readInput: (...args: never[]) => infer Input }
	? Input
	: never;

/**
 * A resource's operations, each checked against its own input type: a module whose `execute`
 * expects something other than what its `readInput` returns does not compile here.
 */
export function toOperations<
	Modules extends { [Name in keyof Modules]: OperationModule<InputOf<Modules[Name]>> },
>(modules: Modules): ResourceOperations {
	const operations: ResourceOperations = {};
	for (const name of Object.keys(modules) as Array<keyof Modules & string>) {
		operations[name] = toOperation<InputOf<Modules[typeof name]>>(modules[name]);
	}
	return operations;
}

function toOperation<Input>(module: OperationModule<Input>): Operation {
	// The router holds prepared items only; the record of a stop gives the operation its own inputs back.
	const inputs = new WeakMap<PreparedItem, Input>();
	const describe = module.describeCompleted;
	const ownInput = ({ input, error }: FailedItem<PreparedItem>): FailedItem<Input> => ({
		input: input && inputs.get(input),
		error,
	});
	return {
		option: module.option,
		description: module.description,
		readItem(context, itemIndex) {
			const input = module.readInput.call(context, itemIndex);
			const item: PreparedItem = {
				send: async (client) => await module.execute.call(context, input, itemIndex, client),
			};
			inputs.set(item, input);
			return item;
		},
		describeCompleted:
			describe &&
			((record) =>
				describe({
					...record,
					deciding: ownInput(record.deciding),
					failed: record.failed.map(ownInput),
				})),
	};
}
