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

/** `userId`: where the user's id comes from (by default the item's `user_id`, the node's default). */
function nodeUnderTest(
	target: Target,
	apiUrl: string,
	userId = '={{ $json.user_id }}',
): Omit<WorkflowNode, 'name' | 'position'> {
	const credentials = { productBridgeApi: CREDENTIAL };
	if (target.kind === 'productBridge') {
		const options: JsonObject = {};
		if (target.concurrency !== undefined) options.concurrency = target.concurrency;
		if (target.maxRetries !== undefined) options.maxRetries = target.maxRetries;
		if (target.verifyRemoval) options.verifyRemoval = true;
		return {
			type: 'n8n-nodes-productbridge.productBridge',
			typeVersion: 1,
			parameters: { resource: 'user', operation: 'delete', userId, options },
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
		const userIdField = { name: 'user_id', value: userId };
		const auth: JsonObject =
			target.inlineKey === undefined
				? { authentication: 'predefinedCredentialType', nodeCredentialType: 'productBridgeApi' }
				: { authentication: 'none' };
		const body =
			target.inlineKey === undefined
				? [userIdField]
				: [{ name: 'api_key', value: target.inlineKey }, userIdField];
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

/** The header secret's credential for the burst webhooks (waitForWebhook needs a 403 to know they are in). */
export const WEBHOOK_CREDENTIAL = {
	id: 'benchBurstHook',
	name: 'Burst webhook secret (benchmark)',
};

/**
 * A production webhook that deletes the one user its caller names, `{"user_id": "…"}`, and
 * answers with the node's output (n8n's "When Last Node Finishes").
 *
 * The HTTP Request node keeps n8n's default On Error (stop the workflow): with Continue, n8n's
 * Retry On Fail never fires, because the node does not fail. This node continues with an error
 * item, so its failure text reaches the caller; that changes what a failed item becomes, not how
 * its requests are sent.
 */
export function burstWorkflow(
	id: string,
	webhookPath: string,
	target: Target,
	apiUrl: string,
): WorkflowJson {
	const fromCaller = '={{ $json.body.user_id }}';
	const node = nodeUnderTest(target, apiUrl, fromCaller);
	const underTest = {
		...node,
		name: UNDER_TEST,
		position: [220, 0],
		...(target.kind === 'httpRequest' ? { onError: undefined } : {}),
	} as WorkflowNode;
	return {
		id,
		name: `Benchmark ${id}`,
		nodes: [
			{
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				parameters: {
					httpMethod: 'POST',
					path: webhookPath,
					authentication: 'headerAuth',
					responseMode: 'lastNode',
					responseData: 'firstEntryJson',
					options: {},
				},
				webhookId: webhookIdFor(id),
				credentials: { httpHeaderAuth: WEBHOOK_CREDENTIAL },
			},
			underTest,
		],
		connections: { Webhook: { main: [to(UNDER_TEST)] } },
		settings: { executionOrder: 'v1' },
	};
}

/** A fixed UUID-shaped webhook id per workflow id, so re-imports register the same webhook. */
function webhookIdFor(workflowId: string): string {
	const hex = Buffer.from(workflowId).toString('hex').padEnd(32, '0').slice(0, 32);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}
