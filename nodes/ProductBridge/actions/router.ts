import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { toErrorItem, toNodeError } from '../helpers/itemErrors';
import { runItems } from '../helpers/runItems';
import { ProductBridgeClient } from '../transport';
import type { ResourceOperations } from './node.type';
import * as user from './user/User.resource';
import { readRunOptions } from './runOptions';

const resources: Record<string, ResourceOperations> = {
	user: user.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const action = resources[resource]?.[operation];
	if (action === undefined) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" is not supported for "${resource}"`,
		);
	}

	const options = readRunOptions(this);
	const client = await ProductBridgeClient.create(this, options);
	const continueOnFail = this.continueOnFail();
	const results = await runItems(
		this.getInputData().length,
		options.concurrency,
		async (itemIndex) => await action.execute.call(this, itemIndex, client),
		!continueOnFail,
	);

	const output = results.map((result, itemIndex): INodeExecutionData => {
		if (result.ok) return { json: result.value, pairedItem: { item: itemIndex } };
		const error = toNodeError(this.getNode(), result.error, itemIndex, client);
		if (!continueOnFail) throw error;
		return toErrorItem(error, itemIndex);
	});
	return [output];
}
