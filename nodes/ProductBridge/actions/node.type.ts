import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import type { ProductBridgeClient } from '../transport';

/** What every `<operation>.operation.ts` exports; the router needs nothing else. */
export interface OperationModule {
	/** The entry in the Operation dropdown (its value is the key the resource registers it under). */
	option: Omit<INodePropertyOptions, 'value'>;
	description: INodeProperties[];
	/** Handles one item; throws a NodeApiError/NodeOperationError for an item that fails. */
	execute(
		this: IExecuteFunctions,
		itemIndex: number,
		client: ProductBridgeClient,
	): Promise<IDataObject>;
}

export type ResourceOperations = Record<string, OperationModule>;
