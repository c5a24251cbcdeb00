/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * The package in a real n8n, end to end: packed with `npm pack`, installed into a fresh user
 * folder the way n8n's Community Nodes installer does it, run by `n8n execute --id=<id>
 * --rawOutput` against the ProductBridge stand-in (tools/standin/server.ts, in this process).
 *
 * What only a real n8n proves: the package as n8n's installer lays it out, the node as an AI
 * tool (test/e2e/workflows), the credential's Test button through n8n's REST API, and the API key
 * nowhere in what n8n printed or stored. The node's behaviour item by item (outputs, pairing,
 * faults) is the scenario table's (test/scenarios/), of which scenarios.e2e.test.ts runs a slice
 * here too.
 *
 * N8N_VERSION picks the n8n (default 2.41.1; 1.123.81 is the last 1.x).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { DEMO_USERS, startStandIn } from '../../tools/standin/server.ts';
import type { CallRecord, StandIn } from '../../tools/standin/server.ts';
import { deleteItem } from '../support/outputs.ts';
import { startFakeOpenAi } from '../../tools/fake-openai.ts';
import type { FakeOpenAi } from '../../tools/fake-openai.ts';
import {
	freePort,
	loadAllWorkflows,
	outputItems,
	prepareN8n,
	rewriteWorkflow,
} from '../support/n8n.ts';
import type {
	ExecuteResult,
	Json,
	JsonObject,
	N8nInstance,
	N8nServer,
	WorkflowJson,
} from '../support/n8n.ts';

// ---------------------------------------------------------------- fixtures

/** `pb_` + 43 URL-safe characters, fresh for every run, like a real ProductBridge key. */
function realisticKey(): string {
	return `pb_${randomBytes(33).toString('base64url').slice(0, 43)}`;
}

const API_KEY = realisticKey();
const REVOKED_KEY = realisticKey();
const SECRETS = { 'the API key': API_KEY, 'the revoked API key': REVOKED_KEY };

const DELETE_PATH = '/api/external/v1/users/delete';
const PING_PATH = '/api/external/v1/ping';

const [ADA, GRACE] = DEMO_USERS.map((user) => user.user_id as string);
const STRANGER_2 = 'b8e3f0d2-91a4-4e6b-8c2d-7a5f3e1b0c92';

const CREDENTIALS = {
	standIn: { id: 'pbE2eStandInKey01', name: 'ProductBridge (stand-in)' },
	revoked: { id: 'pbE2eRevokedKey01', name: 'ProductBridge (revoked key)' },
	unreachable: { id: 'pbE2eNoServer0001', name: 'ProductBridge (nothing listening)' },
	plainHttpRemote: { id: 'pbE2eHttpRemote01', name: 'ProductBridge (http:// to a remote host)' },
	openAi: { id: 'pbE2eFakeOpenAi01', name: 'OpenAI (scripted stand-in)' },
};

/** Not a loopback host, so http:// must be refused before anything is sent (nothing is). */
const PLAIN_HTTP_REMOTE_BASE_URL = 'http://api.productbridge.io';

/** The placeholder credential ids in test/e2e/workflows/*.json. */
const PLACEHOLDERS = {
	REPLACE_PRODUCTBRIDGE_CREDENTIAL: CREDENTIALS.standIn,
	REPLACE_OPENAI_CREDENTIAL: CREDENTIALS.openAi,
};

const N8N_SETUP_TIMEOUT_MS = 50 * 60_000;
const SCENARIO_TIMEOUT_MS = 4 * 60_000;

let n8n: N8nInstance;
let standIn: StandIn;
let fakeOpenAi: FakeOpenAi;
let unreachableBaseUrl: string;
let workflows: Record<string, WorkflowJson>;

beforeAll(async () => {
	standIn = await startStandIn({ apiKey: API_KEY, users: DEMO_USERS });
	fakeOpenAi = await startFakeOpenAi();
	unreachableBaseUrl = `http://127.0.0.1:${await freePort()}`;
	n8n = await prepareN8n({ log: (line) => process.stderr.write(`[e2e] ${line}\n`) });

	const imported = await n8n.importCredential([
		{
			...CREDENTIALS.standIn,
			type: 'productBridgeApi',
			data: { apiKey: API_KEY, baseUrl: standIn.url },
		},
		// The API path form of the Base URL, with a trailing slash: the node must accept it too.
		{
			...CREDENTIALS.revoked,
			type: 'productBridgeApi',
			data: { apiKey: REVOKED_KEY, baseUrl: `${standIn.apiBaseUrl}/` },
		},
		{
			...CREDENTIALS.unreachable,
			type: 'productBridgeApi',
			data: { apiKey: API_KEY, baseUrl: unreachableBaseUrl },
		},
		{
			...CREDENTIALS.plainHttpRemote,
			type: 'productBridgeApi',
			data: { apiKey: API_KEY, baseUrl: PLAIN_HTTP_REMOTE_BASE_URL },
		},
		{
			...CREDENTIALS.openAi,
			type: 'openAiApi',
			data: { apiKey: 'sk-scripted-stand-in', url: fakeOpenAi.baseUrl },
		},
	]);
	expect(imported.exitCode).toBe(0);

	workflows = loadAllWorkflows();
	const rewritten = Object.values(workflows).map((workflow) =>
		rewriteWorkflow(workflow, { credentials: PLACEHOLDERS }),
	);
	const importedWorkflows = await n8n.importWorkflow(rewritten);
	expect(importedWorkflows.exitCode).toBe(0);
	expect(importedWorkflows.stdout + importedWorkflows.stderr).toContain(
		`imported ${rewritten.length} workflows`,
	);
}, N8N_SETUP_TIMEOUT_MS);

afterAll(async () => {
	const seconds = n8n?.commands.reduce((sum, command) => sum + command.durationMs, 0) / 1000;
	if (n8n)
		process.stderr.write(
			`[e2e] n8n ${n8n.version}: ${n8n.commands.length} n8n commands, ${seconds.toFixed(1)} s in total\n`,
		);
	await n8n?.cleanup();
	await standIn?.close();
	await fakeOpenAi?.close();
});

// ---------------------------------------------------------------- helpers

async function execute(name: string): Promise<ExecuteResult> {
	const workflow = workflows[name];
	if (workflow === undefined) throw new Error(`no workflow file test/e2e/workflows/${name}.json`);
	return await n8n.execute(workflow.id);
}

/** Why an execution went wrong, for failure messages. */
function explain(result: ExecuteResult): string {
	return `exit ${result.exitCode ?? `by ${result.signal}`}${result.timedOut ? ' (timed out)' : ''}\n--- stdout (tail)\n${result.stdout.slice(-4000)}\n--- stderr (tail)\n${result.stderr.slice(-4000)}`;
}

function expectExit(result: ExecuteResult, code: number): void {
	if (result.exitCode !== code || result.execution === undefined)
		throw new Error(`expected exit ${code} with an execution; got ${explain(result)}`);
}

function deleteCalls(): CallRecord[] {
	return standIn.calls.filter((call) => call.path === DELETE_PATH);
}

/** Every call carried the key in the JSON body, and nowhere else. */
function expectKeyOnlyInBody(calls: readonly CallRecord[]): void {
	expect(calls.length).toBeGreaterThan(0);
	for (const call of calls) expect(call.keyLocations).toEqual(['body']);
}

function expectNoSecretLeaked(): void {
	for (const [what, secret] of Object.entries(SECRETS)) {
		const leaks = n8n.findSecret(secret);
		if (leaks.length > 0) throw new Error(`${what} shows up in: ${leaks.join(', ')}`);
	}
}

function itKeepsTheKeySecret(): void {
	it('keeps the API key out of everything n8n printed and stored (stdout, stderr, user folder incl. database.sqlite)', () => {
		expectNoSecretLeaked();
	});
}

const deleted = (userId: string) => deleteItem({ user_id: userId, status: 'deleted' });
const notFound = (userId: string) => deleteItem({ user_id: userId, status: 'not_found' });
/** A Delete item as the AI tool's JSON text begins: every key but the last, `at`, a time of the run's. */
const asText = (item: Record<string, unknown>) =>
	JSON.stringify({ ...item, at: undefined }).slice(1, -1);

// ---------------------------------------------------------------- scenarios

describe('the node as an AI tool', () => {
	describe("run by n8n's Tool Executor (what 'Execute step' on a tool node does), no model", () => {
		let result: ExecuteResult;

		beforeAll(async () => {
			standIn.reset();
			result = await execute('ai-tool-executor');
		}, SCENARIO_TIMEOUT_MS);

		it('$fromAI fills the User ID, the user is removed, and the tool returns the result', () => {
			expectExit(result, 0);
			const returned = outputItems(result.runData, 'Run the tool')[0]?.json as Json;
			const parsed = typeof returned === 'string' ? (JSON.parse(returned) as Json) : returned;
			expect(JSON.stringify(parsed)).toContain(asText(deleted(ADA)));
			expect(deleteCalls().map((call) => [call.userId, call.status])).toEqual([[ADA, 200]]);
			expectKeyOnlyInBody(deleteCalls());
		});

		itKeepsTheKeySecret();
	});

	describe('used by an AI Agent (scripted OpenAI-compatible model)', () => {
		let result: ExecuteResult;

		beforeAll(async () => {
			standIn.reset();
			fakeOpenAi.reset();
			result = await execute('ai-agent');
		}, SCENARIO_TIMEOUT_MS);

		it('the model is offered the tool with a user_id parameter', () => {
			expectExit(result, 0);
			const tools = fakeOpenAi.requests[0]?.tools ?? [];
			expect(tools.map((tool) => tool.function.name)).toEqual(['Delete_a_ProductBridge_user']);
			expect(Object.keys(tools[0].function.parameters?.properties ?? {})).toEqual(['user_id']);
			expect(tools[0].function.description).toContain(
				'Removes a person from the ProductBridge organization',
			);
		});

		it('the tool removes Grace, tells the model the stranger was not found, and the agent answers', () => {
			expect(
				deleteCalls()
					.map((call) => [call.userId, call.status])
					.sort(),
			).toEqual(
				[
					[GRACE, 200],
					[STRANGER_2, 404],
				].sort(),
			);
			expectKeyOnlyInBody(deleteCalls());
			const toolAnswers = fakeOpenAi.requests.flatMap((request) =>
				request.messages.filter((message) => message.role === 'tool'),
			);
			expect(toolAnswers.map((message) => String(message.content))).toEqual([
				expect.stringContaining(asText(deleted(GRACE))),
				expect.stringContaining(asText(notFound(STRANGER_2))),
			]);
			const answer = String(outputItems(result.runData, 'Offboarding agent')[0]?.json.output);
			expect(answer).toContain(asText(deleted(GRACE)));
			expect(answer).toContain(asText(notFound(STRANGER_2)));
		});

		it('the API key never reaches the model provider', () => {
			expect(fakeOpenAi.requests.length).toBeGreaterThanOrEqual(2);
			for (const request of fakeOpenAi.requests) {
				expect(request.raw).not.toContain(API_KEY);
			}
		});

		itKeepsTheKeySecret();
	});
});

describe("the credential's Test button (POST /ping), through n8n's REST API", () => {
	interface TestAnswer {
		status?: string;
		message?: string;
	}
	let server: N8nServer;
	const browserId = `pb-e2e-${randomBytes(6).toString('hex')}`;
	let cookie = '';
	const answers: Record<string, { http: number; body: TestAnswer; pings: CallRecord[] }> = {};
	const fetched: string[] = [];

	async function rest(
		method: string,
		path: string,
		body?: unknown,
	): Promise<{ status: number; text: string }> {
		const response = await fetch(`${server.url}/rest${path}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': browserId,
				...(cookie ? { cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		const text = await response.text();
		fetched.push(text);
		if (!cookie) cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
		return { status: response.status, text };
	}

	/**
	 * What the editor does when you press Test on a saved credential: load it (secrets come back
	 * redacted), send it to /credentials/test; n8n puts the stored secrets back in. (n8n 1.x only
	 * tests saved credentials.)
	 */
	async function testSaved(id: string): Promise<void> {
		standIn.reset();
		const loaded = await rest('GET', `/credentials/${id}?includeData=true`);
		expect(loaded.status).toBe(200);
		const credential = (JSON.parse(loaded.text) as { data: JsonObject }).data;
		const tested = await rest('POST', '/credentials/test', {
			credentials: {
				id: credential.id,
				name: credential.name,
				type: credential.type,
				data: credential.data,
			},
		});
		const body = (JSON.parse(tested.text) as { data?: TestAnswer }).data ?? {
			message: tested.text,
		};
		answers[id] = { http: tested.status, body, pings: [...standIn.calls] };
	}

	beforeAll(async () => {
		server = await n8n.startServer();
		const setup = await rest('POST', '/owner/setup', {
			email: 'owner@example.com',
			firstName: 'E2E',
			lastName: 'Owner',
			password: `E2e-${randomBytes(9).toString('base64url')}-7`,
		});
		expect(setup.status).toBe(200);
		await testSaved(CREDENTIALS.standIn.id);
		await testSaved(CREDENTIALS.revoked.id);
		await testSaved(CREDENTIALS.unreachable.id);
		await testSaved(CREDENTIALS.plainHttpRemote.id);
	}, SCENARIO_TIMEOUT_MS);

	afterAll(async () => {
		if (server) await server.stop();
	});

	it('a good key: "Connection successful", one POST /ping with the key in the body', () => {
		const answer = answers[CREDENTIALS.standIn.id];
		expect(answer.http).toBe(200);
		expect(answer.body).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(answer.pings.map((call) => [call.path, call.status])).toEqual([[PING_PATH, 200]]);
		expectKeyOnlyInBody(answer.pings);
	});

	it('a revoked key (Base URL given as …/api/external/v1/): an error that says the key was rejected, /ping only', () => {
		const answer = answers[CREDENTIALS.revoked.id];
		expect(answer.body.status).toBe('Error');
		// n8n 2.x shows the credential's own rule message; n8n 1.x its generic 401 text.
		expect([
			'ProductBridge rejected the API key: check that it is the active public API key of your organization',
			'Authorization failed - please check your credentials',
		]).toContain(answer.body.message);
		// n8n core itself repeats a request that got a 401 once (httpRequestWithAuthentication).
		expect(answer.pings.length).toBeGreaterThanOrEqual(1);
		expect(answer.pings.length).toBeLessThanOrEqual(2);
		expect(answer.pings.every((call) => call.path === PING_PATH && call.status === 401)).toBe(true);
		expectKeyOnlyInBody(answer.pings);
	});

	it('nothing listening at the Base URL: an error saying the connection was refused', () => {
		const answer = answers[CREDENTIALS.unreachable.id];
		expect(answer.body.status).toBe('Error');
		// n8n 2.x: the error code; n8n 1.x: "The service refused the connection - perhaps it is offline"
		expect(answer.body.message).toMatch(/ECONNREFUSED|refused the connection/);
	});

	it('plain http:// to a remote host: refused before anything is sent, with a message asking for HTTPS', () => {
		const answer = answers[CREDENTIALS.plainHttpRemote.id];
		expect(answer.body.status).toBe('Error');
		expect(answer.body.message).toMatch(/HTTPS/);
		expect(answer.body.message).toContain('api.productbridge.io');
		expect(answer.pings).toEqual([]);
	});

	it('never sends the key back over REST', () => {
		expect(fetched.length).toBeGreaterThan(0);
		for (const text of fetched) {
			expect(text).not.toContain(API_KEY);
			expect(text).not.toContain(REVOKED_KEY);
		}
	});

	it('keeps the API key out of everything n8n printed and stored (incl. the running server)', async () => {
		await server.stop();
		expectNoSecretLeaked();
	});
});

describe('the installed package', () => {
	it("is installed as n8n's Community Nodes installer leaves it", () => {
		const nodesFolder = path.join(n8n.userFolder, '.n8n', 'nodes');
		const installed = JSON.parse(
			readFileSync(path.join(nodesFolder, 'package.json'), 'utf8'),
		) as JsonObject;
		expect(installed.dependencies).toEqual({ 'n8n-nodes-productbridge': n8n.packageVersion });
		const manifest = JSON.parse(
			readFileSync(
				path.join(nodesFolder, 'node_modules', 'n8n-nodes-productbridge', 'package.json'),
				'utf8',
			),
		) as JsonObject;
		expect(manifest.version).toBe(n8n.packageVersion);
		expect(manifest.devDependencies).toBeUndefined();
		expect(manifest.peerDependencies).toBeUndefined();
		// nothing else was needed: npm install in the package folder added no dependencies
		expect(manifest.dependencies).toBeUndefined();
	});

	it('after the whole suite, the API keys are still nowhere in what n8n printed or stored', () => {
		expectNoSecretLeaked();
	});
});
