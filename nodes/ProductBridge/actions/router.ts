import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { NodeError } from '../helpers/errors';
import { toErrorItem, toNodeError } from '../helpers/errors';
import type { ItemResult } from '../helpers/runItems';
import { runItems } from '../helpers/runItems';
import { ProductBridgeClient } from '../transport';
import type {
	FailedItem,
	Operation,
	PreparedItem,
	ResourceOperations,
	RunRecord,
} from './node.type';
import { readRunOptions } from './runOptions';
import * as user from './user/User.resource';

const resources: Record<string, ResourceOperations> = {
	user: user.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const action = findOperation(this);
	const itemCount = this.getInputData().length;
	const continueOnFail = this.continueOnFail();
	const toErrorOutput = this.getNode().onError === 'continueErrorOutput';

	const options = captured(() => readRunOptions(this));
	if (!options.ok) {
		const error = toNodeError(this.getNode(), 0, options.error, (text) => text);
		if (!continueOnFail) throw error;
		return [
			Array.from({ length: itemCount }, (_, index) => toErrorItem(error, index, toErrorOutput)),
		];
	}
	// The configured Concurrency caps the flow shared with other runs on this key; the item count
	// only bounds this run's own requests (the advice in failures depends on it).
	const client = await ProductBridgeClient.create(this, { ...options.value, itemCount });
	const nodeErrorFor = (itemIndex: number, error: unknown) =>
		toNodeError(this.getNode(), itemIndex, error, (text) => client.redact(text));

	const inputs = Array.from({ length: itemCount }, (_, itemIndex) =>
		captured(() => action.readItem(this, itemIndex)),
	);
	// With On Error = Stop, an item that cannot be sent stops the node before anything is changed.
	const unusable = inputs.findIndex((input) => !input.ok);
	if (!continueOnFail && unusable !== -1) {
		throw nodeErrorFor(unusable, (inputs[unusable] as { error: unknown }).error);
	}

	const { results, decidingItem } = await sendAll(inputs, client, {
		concurrency: options.value.concurrency,
		continueOnFail,
	});
	const traffic = client.trafficReport();
	if (traffic !== undefined) {
		this.addExecutionHints({ message: traffic, type: 'info', location: 'outputPane' });
	}
	if (decidingItem !== undefined) {
		const error = nodeErrorFor(decidingItem, (results[decidingItem] as { error: unknown }).error);
		throw withCompletedWork(error, action, runRecord(results, inputs, itemCount, decidingItem));
	}
	const output = results.map((result, itemIndex): INodeExecutionData => {
		if (result.ok) return { json: result.value, pairedItem: { item: itemIndex } };
		return toErrorItem(nodeErrorFor(itemIndex, result.error), itemIndex, toErrorOutput);
	});
	return [output];
}

/**
 * Sends every item at most `concurrency` at a time. With On Error = Stop, the first item to fail
 * decides that the run stops: from then on no request starts, and the items still waiting are
 * reported as not sent.
 */
async function sendAll(
	inputs: Array<ItemResult<PreparedItem>>,
	client: ProductBridgeClient,
	{ concurrency, continueOnFail }: { concurrency: number; continueOnFail: boolean },
): Promise<{ results: Array<ItemResult<IDataObject>>; decidingItem: number | undefined }> {
	let decidingItem: number | undefined;
	const results = await runItems(
		inputs.length,
		concurrency,
		async (itemIndex) => {
			const input = inputs[itemIndex];
			if (!input.ok) throw input.error;
			return await input.value.send(client);
		},
		!continueOnFail,
		(itemIndex) => {
			if (continueOnFail || decidingItem !== undefined) return;
			decidingItem = itemIndex;
			client.haltNewRequests();
		},
	);
	return { results, decidingItem };
}

function findOperation(context: IExecuteFunctions): Operation {
	const resource = context.getNodeParameter('resource', 0) as string;
	const operation = context.getNodeParameter('operation', 0) as string;
	const action = resources[resource]?.[operation];
	if (action === undefined) {
		throw new NodeOperationError(
			context.getNode(),
			`The operation "${operation}" is not supported for "${resource}"`,
		);
	}
	return action;
}

/** What `read` returned, or the error it threw, as a value. */
function captured<T>(read: () => T): ItemResult<T> {
	try {
		return { ok: true, value: read() };
	} catch (error) {
		return { ok: false, error };
	}
}

/** What the run had done with every item when `decidingItem`'s failure stopped it. */
function runRecord(
	results: Array<ItemResult<IDataObject>>,
	inputs: Array<ItemResult<PreparedItem>>,
	itemCount: number,
	decidingItem: number,
): RunRecord<PreparedItem> {
	const failedItem = (itemIndex: number, error: unknown): FailedItem<PreparedItem> => {
		const input = inputs[itemIndex];
		return { input: input.ok ? input.value : undefined, error };
	};
	const record: RunRecord<PreparedItem> = {
		outputs: [],
		deciding: failedItem(decidingItem, (results[decidingItem] as { error: unknown }).error),
		failed: [],
		notStarted: itemCount - results.length,
	};
	results.forEach((result, itemIndex) => {
		if (result.ok) record.outputs.push(result.value);
		else if (itemIndex !== decidingItem) record.failed.push(failedItem(itemIndex, result.error));
	});
	return record;
}

/** A stop must not hide what the run had already done: the error says it. */
function withCompletedWork(
	error: NodeError,
	action: Operation,
	record: RunRecord<PreparedItem>,
): NodeError {
	const work = action.describeCompleted?.(record);
	if (work === undefined) return error;
	error.message = `${error.message} (${work.inBrief})`;
	error.description = [work.inFull, error.description].filter(Boolean).join(' ');
	return error;
}
