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
	/** The items that failed, with what they threw. */
	failed: Array<{ input: Input; error: unknown }>;
	/** Items the run never started. */
	notStarted: number;
}

/** What every `<operation>.operation.ts` exports; the router needs nothing else. */
export interface OperationModule<Input = unknown> {
	/** The entry in the Operation dropdown (its value is the key the resource registers it under). */
	option: Omit<INodePropertyOptions, 'value'>;
	description: INodeProperties[];
	/**
	 * Reads and checks one item's parameters, sending nothing. Throws a NodeOperationError for an
	 * item that cannot be sent; the router reads every item before the first request.
	 */
	readInput(this: IExecuteFunctions, itemIndex: number): Input;
	/** Handles one item; throws for an item that fails. */
	execute(
		this: IExecuteFunctions,
		input: Input,
		itemIndex: number,
		client: ProductBridgeClient,
	): Promise<IDataObject>;
	/** What the run had done with every item, when a failure stops the node. */
	describeCompleted?(record: RunRecord<Input>): CompletedWork | undefined;
}

export type ResourceOperations = Record<string, OperationModule>;
