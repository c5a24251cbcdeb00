/**
 * The workflows the benchmark runs: a Manual Trigger, a Code node that makes N deletion items,
 * and the node under test (this package's node, n8n's HTTP Request node doing the same call, or
 * a No Operation node as the baseline of what n8n itself costs).
 */
import { triggerWithItems } from '../tools/n8n.ts';
import type { JsonObject, WorkflowJson, WorkflowNode } from '../tools/n8n.ts';

export const CREDENTIAL = { id: 'benchProductBridge', name: 'ProductBridge (benchmark)' };

export type Target =
	/** Without `concurrency`, the node's default options. */
	| { kind: 'productBridge'; concurrency?: number; maxRetries?: number; verifyRemoval?: boolean }
	/** `inlineKey`: the key pasted into the body instead of the credential, as many set it up. */
	| {
			kind: 'httpRequest';
			batchSize?: number;
			retryOnFail?: boolean;
			inlineKey?: string;
			/** Fed through Loop Over Items in batches of this size: that many in flight, no more. */
			loopBatch?: number;
	  }
	| { kind: 'noOp' };

const UNDER_TEST = 'Under test';

/** Distinct, valid, deterministic ids: the stand-in accepts any of them once. */
const ITEMS_CODE = (count: number) =>
	`return Array.from({ length: ${count} }, (_, i) => ({ json: { user_id: \`\${String(i).padStart(8, '0')}-0000-4000-8000-\${String(i).padStart(12, '0')}\` } }));`;

export function deletionWorkflow(
	id: string,
	count: number,
	target: Target,
	apiUrl: string,
): WorkflowJson {
	const loopBatch = target.kind === 'httpRequest' ? target.loopBatch : undefined;
	const feed = loopBatch === undefined ? direct : throughLoop(loopBatch);
	return {
		id,
		name: `Benchmark ${id}`,
		nodes: [
			...triggerWithItems('Make items', ITEMS_CODE(count)),
			...feed.nodes,
			{ ...nodeUnderTest(target, apiUrl), name: UNDER_TEST, position: [660, 0] } as WorkflowNode,
		],
		connections: {
			Start: { main: [to('Make items')] },
			...feed.connections,
		},
		settings: { executionOrder: 'v1' },
	};
}

interface Feed {
	nodes: WorkflowNode[];
	connections: WorkflowJson['connections'];
}

const to = (node: string) => [{ node, type: 'main', index: 0 }];

/** Make items → node under test, all items at once. */
const direct: Feed = { nodes: [], connections: { 'Make items': { main: [to(UNDER_TEST)] } } };

/**
 * Make items → Loop Over Items (batches of `size`) → node under test → back to the loop: how a
 * user holds the HTTP Request node to `size` requests in flight (its own Batching option only
 * spaces batch starts in time; with a 0 ms interval it sends every item at once).
 */
function throughLoop(size: number): Feed {
	const loop = 'Loop Over Items';
	return {
		nodes: [
			{
				name: loop,
				type: 'n8n-nodes-base.splitInBatches',
				typeVersion: 3,
				position: [440, 0],
				parameters: { batchSize: size, options: {} },
			},
		],
		connections: {
			'Make items': { main: [to(loop)] },
			// Output 0 is "done" (left unconnected), output 1 is "loop".
			[loop]: { main: [[], to(UNDER_TEST)] },
			[UNDER_TEST]: { main: [to(loop)] },
		},
	};
}

export const NODE_UNDER_TEST = UNDER_TEST;

function nodeUnderTest(target: Target, apiUrl: string): Omit<WorkflowNode, 'name' | 'position'> {
	const credentials = { productBridgeApi: CREDENTIAL };
	if (target.kind === 'productBridge') {
		const options: JsonObject = {};
		if (target.concurrency !== undefined) options.concurrency = target.concurrency;
		if (target.maxRetries !== undefined) options.maxRetries = target.maxRetries;
		if (target.verifyRemoval) options.verifyRemoval = true;
		return {
			type: 'n8n-nodes-productbridge.productBridge',
			typeVersion: 1,
			parameters: { resource: 'user', operation: 'delete', options },
			credentials,
			// Failed items are counted, not allowed to stop the run.
			onError: 'continueRegularOutput',
		};
	}
	if (target.kind === 'httpRequest') {
		const options: JsonObject = {};
		if (target.batchSize !== undefined) {
			options.batching = { batch: { batchSize: target.batchSize, batchInterval: 0 } };
		}
		// As people set it up: POST with the user_id body field, the key either from this
		// package's credential or pasted into the body (no credential to load per item: the fastest).
		const userId = { name: 'user_id', value: '={{ $json.user_id }}' };
		const auth: JsonObject =
			target.inlineKey === undefined
				? { authentication: 'predefinedCredentialType', nodeCredentialType: 'productBridgeApi' }
				: { authentication: 'none' };
		const body =
			target.inlineKey === undefined
				? [userId]
				: [{ name: 'api_key', value: target.inlineKey }, userId];
		const node: Omit<WorkflowNode, 'name' | 'position'> = {
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method: 'POST',
				url: `${apiUrl}/users/delete`,
				...auth,
				sendBody: true,
				bodyParameters: { parameters: body },
				options,
			},
			...(target.inlineKey === undefined ? { credentials } : {}),
			onError: 'continueRegularOutput',
		};
		// n8n's own answer to failures: re-run the node, at most 5 tries, at most 5 s apart.
		return target.retryOnFail
			? { ...node, retryOnFail: true, maxTries: 5, waitBetweenTries: 5000 }
			: node;
	}
	return { type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} };
}
