/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Proves test/support/engine.ts against a throwaway fixture package: n8n-core's WorkflowExecute
 * decides routing, pairedItem and execution failure; the credential type's `authenticate`
 * function reaches a real local HTTP server through httpRequestWithAuthentication.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { HARNESS_START_NODE_NAME, loadPackage, runNode } from '../support/engine.ts';
import type { LoadedPackage } from '../support/engine.ts';

const FIXTURE = path.join(__dirname, '..', 'support', 'fixtures', 'echo-package');

interface ReceivedRequest {
	method: string | undefined;
	url: string | undefined;
	headers: IncomingHttpHeaders;
	body: IDataObject;
}

let pkg: LoadedPackage;
let server: Server;
let baseUrl: string;
const received: ReceivedRequest[] = [];

beforeAll(async () => {
	pkg = await loadPackage(FIXTURE);
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as IDataObject;
			received.push({ method: req.method, url: req.url, headers: req.headers, body });
			const item = body.item as IDataObject | undefined;
			const status = item?.serverError === true ? 500 : 200;
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify(status === 200 ? { echoed: item, path: req.url } : { message: 'boom' }),
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise<void>((resolve, reject) =>
		server.close((error) => (error ? reject(error) : resolve())),
	);
});

beforeEach(() => {
	received.length = 0;
});

const items = [{ id: 1 }, { id: 2, fail: true, note: 'keep me' }, { id: 3 }];

describe('loadPackage', () => {
	it('loads nodes and credentials through PackageDirectoryLoader from package.json "n8n"', () => {
		expect(pkg.packageName).toBe('n8n-nodes-echo-fixture');
		expect(pkg.loader.loadedNodes.map((node) => node.name).sort()).toEqual(['echo', 'flaky']);
		expect(pkg.credentialTypes.getByName('echoApi').displayName).toBe('Echo API');
		expect(pkg.credentialTypes.getSupportedNodes('echoApi')).toEqual([
			'n8n-nodes-echo-fixture.echo',
		]);
	});
});

describe('items and pairedItem', () => {
	it('feeds the items through the start node and keeps pairedItem', async () => {
		const run = await runNode(pkg, {
			nodeType: 'flaky',
			parameters: {},
			items: [{ id: 1 }, { id: 2 }, { json: { id: 3 } }],
		});

		expect(run.status).toBe('success');
		expect(run.error).toBeUndefined();
		expect(run.executedNodes).toEqual([HARNESS_START_NODE_NAME, 'Flaky']);
		expect(run.outputs).toHaveLength(1);
		expect(run.outputs[0]).toEqual([
			{ json: { id: 1, processed: true, version: 2 }, pairedItem: { item: 0 } },
			{ json: { id: 2, processed: true, version: 2 }, pairedItem: { item: 1 } },
			{ json: { id: 3, processed: true, version: 2 }, pairedItem: { item: 2 } },
		]);
		// The node under test really had a parent in the run: the engine recorded its source.
		expect(run.runData.Flaky[0].source).toEqual([
			{ previousNode: HARNESS_START_NODE_NAME, previousNodeOutput: 0, previousNodeRun: 0 },
		]);
	});

	it('runs the requested node version', async () => {
		const run = await runNode(pkg, {
			nodeType: 'flaky',
			typeVersion: 1,
			parameters: {},
			items: [{ id: 1 }],
		});
		expect(run.outputs[0][0].json.version).toBe(1);
	});
});

describe('On Error', () => {
	it('continueErrorOutput: the engine moves failed items, merged with their input, to output 1', async () => {
		const run = await runNode(pkg, {
			nodeType: 'flaky',
			parameters: {},
			items,
			onError: 'continueErrorOutput',
		});

		expect(run.status).toBe('success');
		expect(run.outputs).toHaveLength(2);
		expect(run.outputs[0].map((item) => item.json.id)).toEqual([1, 3]);
		expect(run.outputs[1]).toEqual([
			{
				json: { id: 2, fail: true, note: 'keep me', error: 'Flaky failed for 2' },
				pairedItem: { item: 1 },
			},
		]);
	});

	it('continueRegularOutput: the failed item stays on output 0 as { error }', async () => {
		const run = await runNode(pkg, {
			nodeType: 'flaky',
			parameters: { failureMessage: 'Nope' },
			items,
			onError: 'continueRegularOutput',
		});

		expect(run.status).toBe('success');
		expect(run.outputs).toHaveLength(1);
		expect(run.outputs[0]).toEqual([
			{ json: { id: 1, processed: true, version: 2 }, pairedItem: { item: 0 } },
			{ json: { error: 'Nope for 2' }, pairedItem: { item: 1 } },
			{ json: { id: 3, processed: true, version: 2 }, pairedItem: { item: 2 } },
		]);
	});

	it.each([undefined, 'stopWorkflow' as const])(
		'%s: the execution fails with the node error',
		async (onError) => {
			const run = await runNode(pkg, { nodeType: 'flaky', parameters: {}, items, onError });

			expect(run.status).toBe('error');
			expect(run.executionStatus).toBe('error');
			expect(run.error).toEqual({
				message: 'Flaky failed for 2',
				description: 'Item 1 asked to fail',
				name: 'NodeOperationError',
			});
			expect(run.outputs).toEqual([]);
			expect(run.runData.Flaky[0].error?.message).toBe('Flaky failed for 2');
		},
	);
});

describe('credentials', () => {
	it("injects the credential's body (and header) auth into the real HTTP request", async () => {
		const run = await runNode(pkg, {
			nodeType: 'echo',
			parameters: { path: '/people/erase' },
			items: [{ id: 1 }, { id: 3 }],
			credentials: { type: 'echoApi', data: { apiKey: 'secret-123', baseUrl } },
		});

		expect(run.status).toBe('success');
		expect(received).toHaveLength(2);
		expect(received[0].method).toBe('POST');
		expect(received[0].url).toBe('/people/erase');
		// `workspace` was not given: getDecrypted filled in the credential type's default.
		expect(received[0].body).toEqual({
			item: { id: 1 },
			api_key: 'secret-123',
			workspace: 'default-workspace',
		});
		expect(received[0].headers['x-echo-key']).toBe('secret-123');
		expect(run.outputs[0]).toEqual([
			{ json: { echoed: { id: 1 }, path: '/people/erase' }, pairedItem: { item: 0 } },
			{ json: { echoed: { id: 3 }, path: '/people/erase' }, pairedItem: { item: 1 } },
		]);
	});

	it('routes an HTTP failure (NodeApiError) to the error output', async () => {
		const run = await runNode(pkg, {
			nodeType: 'echo',
			parameters: {},
			items: [{ id: 1 }, { id: 2, serverError: true }],
			credentials: { type: 'echoApi', data: { apiKey: 'k', baseUrl } },
			onError: 'continueErrorOutput',
		});

		expect(run.status).toBe('success');
		expect(run.outputs[0]).toHaveLength(1);
		expect(run.outputs[1]).toHaveLength(1);
		expect(run.outputs[1][0].json).toMatchObject({ id: 2, serverError: true });
		expect(typeof run.outputs[1][0].json.error).toBe('string');
	});

	it('stops the workflow with a NodeApiError when the server fails', async () => {
		const run = await runNode(pkg, {
			nodeType: 'echo',
			parameters: {},
			items: [{ id: 2, serverError: true }],
			credentials: { type: 'echoApi', data: { apiKey: 'k', baseUrl } },
		});

		expect(run.status).toBe('error');
		expect(run.error?.name).toBe('NodeApiError');
	});

	it('fails like n8n when the node has no credential set', async () => {
		const run = await runNode(pkg, { nodeType: 'echo', parameters: {}, items: [{ id: 1 }] });

		expect(run.status).toBe('error');
		expect(run.error?.message).toBe('Node does not have any credentials set');
		expect(received).toHaveLength(0);
	});
});
