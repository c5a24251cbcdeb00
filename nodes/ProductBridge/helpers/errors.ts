import type { IDataObject, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ProductBridgeFailure } from '../transport';

/** The one place that turns what an item threw into the error n8n shows. */

export type NodeError = NodeApiError | NodeOperationError;

/**
 * Whatever an item threw, as an n8n error that names the item and holds no secret. Transport
 * failures arrive redacted; anything else is redacted here.
 */
export function toNodeError(
	node: INode,
	itemIndex: number,
	error: unknown,
	redact: (text: string) => string,
): NodeError {
	if (error instanceof ProductBridgeFailure) return apiError(node, itemIndex, error);
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, redact(message), { itemIndex });
}

/** A value on the item that cannot be sent, or an answer the user asked to treat as a failure. */
export function invalidInputError(
	node: INode,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(node, `${message} [item ${itemIndex}]`, {
		itemIndex,
		description,
	});
}

/** ProductBridge has no such user and the node is set to fail the item for it. */
export function notFoundError(
	node: INode,
	itemIndex: number,
	message: string,
	description: string,
): NodeApiError {
	return apiError(node, itemIndex, { message, description, httpCode: '404' });
}

/**
 * ProductBridge's answers about a user contradict each other (a removal it confirmed, a user it
 * still lists). `itemFields` are output keys the error item carries after `error` and `message`
 * where n8n allows them (see `toErrorItem`).
 */
export function contradictionError(
	node: INode,
	itemIndex: number,
	message: string,
	description: string,
	itemFields: IDataObject,
): NodeApiError {
	const error = apiError(node, itemIndex, { message, description });
	error.context.itemFields = itemFields;
	return error;
}

/**
 * The item n8n expects from a node that continues on fail: `error` and, when there is more to
 * say, `message`. That is the shape every n8n line routes to the error output ("Continue (using
 * error output)") and merges with the input item's fields through `pairedItem`; n8n 1.x knows no
 * other key beside `error` (a json with any other key stays on the success output, and an item's
 * own `error` property has its json replaced by n8n 2.x). So an error's item fields (see
 * `contradictionError`) go only on the regular output ("Continue"), where n8n routes nothing.
 */
export function toErrorItem(
	error: NodeError,
	itemIndex: number,
	toErrorOutput: boolean,
): INodeExecutionData {
	const json: INodeExecutionData['json'] = { error: error.message };
	if (error.description) json.message = error.description;
	const itemFields = error.context.itemFields as IDataObject | undefined;
	if (!toErrorOutput && itemFields !== undefined) Object.assign(json, itemFields);
	return { json, pairedItem: { item: itemIndex } };
}

interface ErrorText {
	message: string;
	description: string;
	httpCode?: string;
}

function apiError(node: INode, itemIndex: number, text: ErrorText): NodeApiError {
	// Built from redacted texts only: nothing the server sent is kept in the error.
	const response: JsonObject = {
		message: text.message,
		description: text.description,
		httpCode: text.httpCode ?? null,
	};
	return new NodeApiError(node, response, {
		message: text.message,
		description: text.description,
		httpCode: text.httpCode,
		itemIndex,
	});
}
