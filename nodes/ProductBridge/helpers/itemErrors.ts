import type { INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ErrorClient } from './errors';

type NodeError = NodeApiError | NodeOperationError;

/** Whatever an item threw, as an n8n error that names the item and holds no secret. */
export function toNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	client: ErrorClient,
): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, client.redact(message), { itemIndex });
}

/**
 * The item n8n expects from a node that continues on fail: `error` and, when there is more to
 * say, `message`. That is the shape every n8n line routes to the error output ("Continue (using
 * error output)") and merges with the input item's fields through `pairedItem`; n8n 1.x knows no
 * other key beside `error`.
 */
export function toErrorItem(error: NodeError, itemIndex: number): INodeExecutionData {
	const json: INodeExecutionData['json'] = { error: error.message };
	if (error.description) json.message = error.description;
	return { json, pairedItem: { item: itemIndex } };
}
