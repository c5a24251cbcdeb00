/**
 * The package in a real n8n, end to end: packed with `npm pack`, installed into a fresh user
 * folder the way n8n's Community Nodes installer does it, run by `n8n execute --id=<id>
 * --rawOutput` against the ProductBridge stand-in (test/standin/server.ts, in this process).
 *
 * Each describe block is one scenario: it resets the stand-in, executes one workflow from
 * test/e2e/workflows (readable JSON anyone can import into their own n8n) and checks the outputs
 * per branch, the items and their pairedItem, the exit code, what the stand-in recorded, and
 * that the API key shows up nowhere in what n8n printed or stored.
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
	pairedIndex,
	prepareN8n,
	rewriteWorkflow,
} from '../support/n8n.ts';
import type {
	ExecuteResult,
	Json,
	JsonObject,
	N8nInstance,
	N8nServer,
	OutputItem,
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
const RETRIEVE_PATH = '/api/external/v1/users/retrieve';
const PING_PATH = '/api/external/v1/ping';

const [ADA, GRACE, ALAN, KATHERINE, MARGARET] = DEMO_USERS.map((user) => user.user_id as string);
const STRANGER_1 = '6f1c2a9e-3b7d-4c8e-a1f0-2d9b8c7e6a51';
const STRANGER_2 = 'b8e3f0d2-91a4-4e6b-8c2d-7a5f3e1b0c92';
const STRANGER_3 = '3d7a9c1e-5f2b-4a8d-9e6c-1b0f8a2d4e73';
const STRANGER_4 = 'e4b2d8f6-0a9c-4d1e-b7f3-5c2a9e8d1f04';

const CREDENTIALS = {
	standIn: { id: 'pbE2eStandInKey01', name: 'ProductBridge (stand-in)' },
	revoked: { id: 'pbE2eRevokedKey01', name: 'ProductBridge (revoked key)' },
	unreachable: { id: 'pbE2eNoServer0001', name: 'ProductBridge (nothing listening)' },
	wrongPath: { id: 'pbE2eWrongPath001', name: 'ProductBridge (Base URL with a wrong path)' },
	redirecting: { id: 'pbE2eRedirects001', name: 'ProductBridge (Base URL that redirects)' },
	plainHttpRemote: { id: 'pbE2eHttpRemote01', name: 'ProductBridge (http:// to a remote host)' },
	openAi: { id: 'pbE2eFakeOpenAi01', name: 'OpenAI (scripted stand-in)' },
};

/** Not a loopback host, so http:// must be refused before anything is sent (nothing is). */
const PLAIN_HTTP_REMOTE_BASE_URL = 'http://api.productbridge.io';

/** The placeholder credential ids in test/e2e/workflows/*.json. */
const PLACEHOLDERS = {
	REPLACE_PRODUCTBRIDGE_CREDENTIAL: CREDENTIALS.standIn,
	REPLACE_PRODUCTBRIDGE_WRONG_KEY_CREDENTIAL: CREDENTIALS.revoked,
	REPLACE_PRODUCTBRIDGE_UNREACHABLE_CREDENTIAL: CREDENTIALS.unreachable,
	REPLACE_PRODUCTBRIDGE_WRONG_PATH_CREDENTIAL: CREDENTIALS.wrongPath,
	REPLACE_PRODUCTBRIDGE_REDIRECTING_CREDENTIAL: CREDENTIALS.redirecting,
	REPLACE_OPENAI_CREDENTIAL: CREDENTIALS.openAi,
};

const N8N_SETUP_TIMEOUT_MS = 50 * 60_000;
const SCENARIO_TIMEOUT_MS = 4 * 60_000;

let n8n: N8nInstance;
let standIn: StandIn;
/** Another host (127.0.0.2) that would accept the key and any user: nothing may ever reach it. */
let elsewhere: StandIn;
/** A host that answers every delete with a redirect to `elsewhere`. */
let redirector: StandIn;
let fakeOpenAi: FakeOpenAi;
let unreachableBaseUrl: string;
let workflows: Record<string, WorkflowJson>;

beforeAll(async () => {
	standIn = await startStandIn({ apiKey: API_KEY, users: DEMO_USERS });
	elsewhere = await startStandIn({ apiKey: API_KEY, host: '127.0.0.2', acceptAnyUser: true });
	redirector = await startStandIn({
		apiKey: API_KEY,
		acceptAnyUser: true,
		// Starlette's kind of redirect: a 307 keeps the method and body, so following it would
		// re-send the key to the other host.
		statusOverride: [
			{
				path: '/users/delete',
				status: 307,
				body: '',
				headers: { location: `${elsewhere.apiBaseUrl}/users/delete` },
			},
		],
	});
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
		// A path where ProductBridge's API is not: the stand-in answers FastAPI's own 404.
		{
			...CREDENTIALS.wrongPath,
			type: 'productBridgeApi',
			data: { apiKey: API_KEY, baseUrl: `${standIn.url}/api/v2` },
		},
		{
			...CREDENTIALS.redirecting,
			type: 'productBridgeApi',
			data: { apiKey: API_KEY, baseUrl: redirector.url },
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
	await elsewhere?.close();
	await redirector?.close();
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

function deleteCalls(prefixOrIds?: string | readonly string[]): CallRecord[] {
	return standIn.calls.filter((call) => {
		if (call.path !== DELETE_PATH) return false;
		if (prefixOrIds === undefined) return true;
		if (typeof prefixOrIds === 'string') return call.userId?.startsWith(prefixOrIds) === true;
		return call.userId !== undefined && prefixOrIds.includes(call.userId);
	});
}

function jsonOf(items: readonly OutputItem[]): JsonObject[] {
	return items.map((item) => item.json);
}

function pairs(items: readonly OutputItem[]): Array<number | undefined> {
	return items.map(pairedIndex);
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

/** Polls (in this process, beside the stand-in) until `condition` holds; gives up when `over()` does. */
async function waitFor(
	condition: () => boolean,
	over: () => boolean,
	timeoutMs = SCENARIO_TIMEOUT_MS,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (over() || Date.now() > deadline)
			throw new Error(`gave up waiting for ${condition.toString()}`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

function itKeepsTheKeySecret(): void {
	it('keeps the API key out of everything n8n printed and stored (stdout, stderr, user folder incl. database.sqlite)', () => {
		expectNoSecretLeaked();
	});
}

const deleted = (userId: string) => deleteItem({ user_id: userId, status: 'deleted' });
const notFound = (userId: string) => deleteItem({ user_id: userId, status: 'not_found' });

// ---------------------------------------------------------------- scenarios

describe('deleting several users', () => {
	let first: ExecuteResult;
	let firstCalls: CallRecord[];
	let second: ExecuteResult;
	let secondCalls: CallRecord[];

	beforeAll(async () => {
		standIn.reset();
		first = await execute('delete-several');
		firstCalls = [...standIn.calls];
		// Run it again, as someone would after a partial failure: everybody is gone already.
		second = await execute('delete-several');
		secondCalls = standIn.calls.slice(firstCalls.length);
	}, SCENARIO_TIMEOUT_MS);

	it('removes each user once and outputs {user_id, email, name, status, deleted, confirmed_on_retry, note} paired to its input row', () => {
		expectExit(first, 0);
		expect(first.error).toBeUndefined();
		const out = outputItems(first.runData, 'Delete users');
		expect(jsonOf(out)).toEqual([deleted(ADA), deleted(GRACE), deleted(ALAN)]);
		expect(pairs(out)).toEqual([0, 1, 2]);
		expect(outputItems(first.runData, 'Delete users', 1)).toEqual([]);
	});

	it('sent one POST /users/delete per user, the key in the JSON body only, and the stand-in unlinked exactly them', () => {
		expect(firstCalls.map((call) => [call.path, call.userId, call.status])).toEqual(
			expect.arrayContaining([ADA, GRACE, ALAN].map((id) => [DELETE_PATH, id, 200])),
		);
		expect(firstCalls).toHaveLength(3);
		expectKeyOnlyInBody(firstCalls);
		expect(standIn.deletedUserIds().sort()).toEqual([ADA, GRACE, ALAN].sort());
	});

	it('a second run finds nobody: every item passes as not_found, and the run still succeeds', () => {
		expectExit(second, 0);
		expect(jsonOf(outputItems(second.runData, 'Delete users'))).toEqual([
			notFound(ADA),
			notFound(GRACE),
			notFound(ALAN),
		]);
		expect(secondCalls.map((call) => call.status)).toEqual([404, 404, 404]);
	});

	itKeepsTheKeySecret();
});

describe('a user who is not found (404), three ways', () => {
	let result: ExecuteResult;

	beforeAll(async () => {
		standIn.reset();
		result = await execute('not-found');
	}, SCENARIO_TIMEOUT_MS);

	it('runs all three branches and exits 0', () => {
		expectExit(result, 0);
		expect(result.error).toBeUndefined();
	});

	it("If User Not Found = Continue: the stranger passes with status 'not_found', deleted: false", () => {
		const out = outputItems(result.runData, 'If Not Found: Continue');
		expect(jsonOf(out)).toEqual([deleted(ADA), notFound(STRANGER_1)]);
		expect(pairs(out)).toEqual([0, 1]);
	});

	it("Fail the Item + On Error 'Continue (using error output)': the stranger lands on the error output with its input fields", () => {
		const node = 'Not Found fails: error output';
		const success = outputItems(result.runData, node, 0);
		const failed = outputItems(result.runData, node, 1);
		expect(jsonOf(success)).toEqual([deleted(GRACE)]);
		expect(pairs(success)).toEqual([0]);
		expect(failed).toHaveLength(1);
		expect(failed[0].json).toEqual({
			ticket: 'HR-204',
			name: 'Unknown person',
			user_id: STRANGER_2,
			error: `ProductBridge has no user ${STRANGER_2} in this organization`,
			message: expect.stringContaining("Set 'If User Not Found' to 'Continue'"),
		});
		expect(pairs(failed)).toEqual([1]);
		// and the branches downstream got them
		expect(jsonOf(outputItems(result.runData, 'Removed'))).toEqual([deleted(GRACE)]);
		expect(jsonOf(outputItems(result.runData, 'Not removed'))).toEqual([failed[0].json]);
	});

	it("Fail the Item + On Error 'Continue (regular output)': the stranger comes out as {error, message} on the main output", () => {
		const node = 'Not Found fails: regular output';
		const out = outputItems(result.runData, node, 0);
		expect(jsonOf(out)).toEqual([
			deleted(ALAN),
			{
				error: `ProductBridge has no user ${STRANGER_3} in this organization`,
				message: expect.stringContaining('not linked to this organization'),
			},
		]);
		expect(pairs(out)).toEqual([0, 1]);
	});

	it('sent one call per item and unlinked only the three known users', () => {
		const calls = deleteCalls();
		expect(calls).toHaveLength(6);
		expect(
			calls
				.filter((call) => call.status === 404)
				.map((call) => call.userId)
				.sort(),
		).toEqual([STRANGER_1, STRANGER_2, STRANGER_3].sort());
		expect(standIn.deletedUserIds().sort()).toEqual([ADA, GRACE, ALAN].sort());
		expectKeyOnlyInBody(calls);
	});

	itKeepsTheKeySecret();
});

describe('a user who is not found, with the default On Error', () => {
	let result: ExecuteResult;

	beforeAll(async () => {
		standIn.reset();
		result = await execute('not-found-fails');
	}, SCENARIO_TIMEOUT_MS);

	it('fails the execution: n8n execute exits 1, says the user was not found and what the run had already removed', () => {
		expectExit(result, 1);
		expect(result.error?.message).toBe(
			`ProductBridge has no user ${STRANGER_4} in this organization (this run had already removed 1 user)`,
		);
		expect(result.error?.description).toEqual(
			expect.stringContaining(
				`Removed by this run before it stopped, and still removed: ${KATHERINE}.`,
			),
		);
		expect(result.error?.httpCode).toBe('404');
		expect(result.error?.node?.name).toBe('Delete (Not Found fails)');
		expect(result.error?.context?.itemIndex).toBe(1);
		expect(result.stdout + result.stderr).toContain(
			`ProductBridge has no user ${STRANGER_4} in this organization`,
		);
		const run = result.runData['Delete (Not Found fails)']?.[0];
		expect(run?.error?.message).toBe(result.error?.message);
		expect(run?.data).toBeUndefined();
	});

	it('the item sent before the failure was still removed (a re-run will find it gone)', () => {
		expect(
			deleteCalls()
				.map((call) => [call.userId, call.status])
				.sort(),
		).toEqual(
			[
				[KATHERINE, 200],
				[STRANGER_4, 404],
			].sort(),
		);
		expect(standIn.deletedUserIds()).toEqual([KATHERINE]);
		expectKeyOnlyInBody(deleteCalls());
	});

	itKeepsTheKeySecret();
});

describe('invalid user IDs', () => {
	let result: ExecuteResult;

	beforeAll(async () => {
		standIn.reset();
		result = await execute('invalid-ids');
	}, SCENARIO_TIMEOUT_MS);

	it('sends nothing for IDs that are not UUIDs and routes them to the error output with their input fields', () => {
		expectExit(result, 0);
		const failed = outputItems(result.runData, 'Delete (error output)', 1);
		expect(pairs(failed)).toEqual([0, 1, 2, 3, 4, 5, 6]);
		expect(failed.map((item) => item.json.row)).toEqual([1, 2, 3, 4, 5, 6, 7]);
		const messages = failed.map((item) => item.json.error);
		expect(messages).toEqual([
			"'not-a-uuid' is not a valid user ID [item 0]",
			'No user ID [item 1]',
			'No user ID [item 2]',
			'The user ID must be text, got number 42 [item 3]',
			"'bb3c3ef8-b8cd-cd15-01ba-useruser0001' is not a valid user ID [item 4]",
			'No user ID [item 5]',
			"'240f6070-d2d3-4ce1-9461-5188bed8fc1dAB' is not a valid user ID [item 6]",
		]);
		for (const item of failed) expect(item.json.message).toEqual(expect.stringContaining('UUID'));
		// the input fields are kept as they were
		expect(failed[3].json.user_id).toBe(42);
		expect(failed[2].json.note).toBe('no user_id field');
		expect(jsonOf(outputItems(result.runData, 'Rejected'))).toEqual(jsonOf(failed));
	});

	it('accepts upper-case, padded and hyphen-less UUIDs, and sends them in canonical form', () => {
		const success = outputItems(result.runData, 'Delete (error output)', 0);
		expect(jsonOf(success)).toEqual([
			deleted(GRACE.toUpperCase()),
			deleted(ALAN.replace(/-/g, '')),
		]);
		expect(pairs(success)).toEqual([7, 8]);
		const calls = deleteCalls();
		expect(calls.map((call) => call.userId).sort()).toEqual([GRACE, ALAN].sort());
		expect(calls.every((call) => call.status === 200)).toBe(true);
		expectKeyOnlyInBody(calls);
	});

	itKeepsTheKeySecret();
});

describe('wrong credentials: a revoked key, nothing listening, a Base URL that is not the API or redirects', () => {
	const LATENCY_MS = 1000;
	const WRONG_PATH_DELETE = `/api/v2${DELETE_PATH}`;
	let result: ExecuteResult;

	beforeAll(async () => {
		standIn.reset();
		redirector.reset();
		elsewhere.reset();
		// Slow answers make a wave observable: at concurrency 8, every request sent before the first
		// answer came back would arrive within LATENCY_MS of the first one.
		standIn.configure({ latencyMs: LATENCY_MS });
		result = await execute('wrong-credential');
	}, SCENARIO_TIMEOUT_MS);

	/** Each item on the error output, with its input fields and this error. */
	function expectAllFailed(
		node: string,
		count: number,
		idPrefix: string,
		error: string,
		message: unknown,
	): void {
		expect(outputItems(result.runData, node, 0)).toEqual([]);
		const failed = outputItems(result.runData, node, 1);
		expect(pairs(failed)).toEqual(Array.from({ length: count }, (_, index) => index));
		failed.forEach((item, index) => {
			expect(item.json).toEqual({
				ticket: `HR-${500 + index}`,
				user_id: `${idPrefix}-0000-4000-8000-${String(index).padStart(12, '0')}`,
				error,
				message,
			});
		});
	}

	it('revoked key, error output: every item fails with a clear message, on the error output with its input fields', () => {
		expectExit(result, 1);
		expectAllFailed(
			'Revoked key: error output',
			12,
			'a1a1a1a1',
			'ProductBridge rejected the API key',
			expect.stringContaining("'ProductBridge API' credential"),
		);
	});

	it('revoked key at concurrency 8: exactly one request per node, the first one, sent alone', () => {
		for (const prefix of ['a1a1a1a1', 'c3c3c3c3']) {
			expect(deleteCalls(prefix).map((call) => [call.path, call.status])).toEqual([
				[DELETE_PATH, 401],
			]);
		}
		expectKeyOnlyInBody(deleteCalls());
		expect(standIn.deletedUserIds()).toEqual([]);
	});

	it('unreachable Base URL: retried as configured, then "Could not reach ProductBridge at <host:port>" on the error output', () => {
		const failed = outputItems(result.runData, 'Wrong base URL: error output', 1);
		expect(pairs(failed)).toEqual([0, 1, 2]);
		for (const item of failed) {
			expect(item.json.error).toBe(
				`Could not reach ProductBridge at ${new URL(unreachableBaseUrl).host} (after 2 attempts)`,
			);
			expect(item.json.message).toEqual(expect.stringContaining('ECONNREFUSED'));
		}
	});

	it("a Base URL with a wrong path: its 404 is not ProductBridge's, so no item is 'not_found'; every item fails on the error output", () => {
		expectAllFailed(
			'Not the API (wrong path): error output',
			5,
			'd4d4d4d4',
			`The Base URL does not lead to ProductBridge's API: ${new URL(standIn.url).host} answered HTTP 404, not in ProductBridge's format`,
			expect.stringContaining('It answered: application/json, "{"detail":"Not Found"}".'),
		);
	});

	it('a Base URL with a wrong path costs one request at concurrency 8; nothing more is sent', () => {
		const calls = standIn.calls.filter((call) => call.path === WRONG_PATH_DELETE);
		expect(calls.map((call) => [call.userId, call.status])).toEqual([
			['d4d4d4d4-0000-4000-8000-000000000000', 404],
		]);
		expectKeyOnlyInBody(calls);
	});

	it('a Base URL that redirects to another host: not followed, every item fails on the error output naming the redirect', () => {
		expectAllFailed(
			'Redirected Base URL: error output',
			5,
			'e5e5e5e5',
			`The Base URL does not lead to ProductBridge's API: ${new URL(redirector.url).host} answered HTTP 307, not in ProductBridge's format`,
			expect.stringContaining(
				`It answered: a redirect to ${elsewhere.apiBaseUrl}/users/delete. ProductBridge never redirects; the key was not sent on.`,
			),
		);
	});

	it('the redirect: one request to the configured host, nothing at all reaches the other host', () => {
		expect(redirector.calls.map((call) => [call.path, call.userId, call.status])).toEqual([
			[DELETE_PATH, 'e5e5e5e5-0000-4000-8000-000000000000', 307],
		]);
		expectKeyOnlyInBody(redirector.calls);
		expect(elsewhere.stats().requests).toBe(0);
		expect(elsewhere.deletedUserIds()).toEqual([]);
	});

	it('revoked key with the default On Error: the workflow stops, exit code 1, with the same clear message', () => {
		expect(result.error?.message).toBe('ProductBridge rejected the API key');
		expect(result.error?.description).toEqual(
			expect.stringContaining('No further requests were sent'),
		);
		expect(result.error?.httpCode).toBe('401');
		expect(result.error?.node?.name).toBe('Revoked key: stops the workflow');
		expect(result.stdout + result.stderr).toContain('ProductBridge rejected the API key');
	});

	itKeepsTheKeySecret();
});

describe('a mixed batch of 60 items', () => {
	const KINDS = [
		'linked',
		'unknown',
		'invalid',
		'duplicate, upper case',
		'linked, no hyphens',
		'duplicate unknown, padded',
	];
	const ERROR_KINDS = ['unknown', 'invalid', 'duplicate unknown, padded'];

	/** Mirrors the workflow's Code node (the first test checks they agree). */
	const rows = Array.from({ length: 60 }, (_, row) => {
		const n = String(Math.floor(row / 6)).padStart(12, '0');
		const kind = KINDS[row % 6];
		const userId: Record<string, string> = {
			linked: `5eed0000-0000-4000-8000-${n}`,
			unknown: `dead0000-0000-4000-8000-${n}`,
			invalid: `R-${row}`,
			'duplicate, upper case': `5EED0000-0000-4000-8000-${n}`,
			'linked, no hyphens': `5eed0001000040008000${n}`,
			'duplicate unknown, padded': ` dead0000-0000-4000-8000-${n} `,
		};
		return { row, kind, user_id: userId[kind], email: `person${row}@example.com` };
	});
	const seeded = Array.from({ length: 10 }, (_, index) => String(index).padStart(12, '0')).flatMap(
		(n) => [`5eed0000-0000-4000-8000-${n}`, `5eed0001-0000-4000-8000-${n}`],
	);
	const unknown = Array.from(
		{ length: 10 },
		(_, index) => `dead0000-0000-4000-8000-${String(index).padStart(12, '0')}`,
	);

	let result: ExecuteResult;
	let success: OutputItem[];
	let failed: OutputItem[];

	beforeAll(async () => {
		standIn.reset({ users: seeded.map((userId) => ({ user_id: userId })) });
		// Uneven answer times, so that answers come back out of order (concurrency 8).
		standIn.configure({ latencyMs: 5, slowRate: 0.3, slowMs: 150 });
		result = await execute('mixed-batch');
		success = outputItems(result.runData, 'Delete (error output)', 0);
		failed = outputItems(result.runData, 'Delete (error output)', 1);
	}, SCENARIO_TIMEOUT_MS);

	it('feeds the 60 rows the test expects', () => {
		expectExit(result, 0);
		expect(jsonOf(outputItems(result.runData, '60 mixed rows'))).toEqual(rows);
	});

	it('every input row comes out exactly once, on the right output, in input order', () => {
		const seen = [...pairs(success), ...pairs(failed)].sort((a, b) => (a ?? -1) - (b ?? -1));
		expect(seen).toEqual(rows.map((row) => row.row));
		expect(pairs(success)).toEqual(
			rows.filter((row) => !ERROR_KINDS.includes(row.kind)).map((row) => row.row),
		);
		expect(pairs(failed)).toEqual(
			rows.filter((row) => ERROR_KINDS.includes(row.kind)).map((row) => row.row),
		);
	});

	it('each success item is the result for its own row', () => {
		for (const item of success) {
			const row = rows[pairedIndex(item) as number];
			expect(item.json).toEqual(deleted(row.user_id.trim()));
		}
	});

	it('each error item carries its own row fields and the error for that row', () => {
		for (const item of failed) {
			const index = pairedIndex(item) as number;
			const row = rows[index];
			expect(item.json).toEqual({ ...row, error: expect.any(String), message: expect.any(String) });
			if (row.kind === 'invalid')
				expect(item.json.error).toBe(`'${row.user_id}' is not a valid user ID [item ${index}]`);
			else
				expect(item.json.error).toBe(
					`ProductBridge has no user ${row.user_id.trim()} in this organization`,
				);
		}
	});

	it('sends each distinct ID once (duplicates in any spelling share one call), never an invalid one', () => {
		const calls = deleteCalls();
		const sent = calls.map((call) => call.userId as string);
		expect(sent).toHaveLength(30);
		expect(new Set(sent).size).toBe(30);
		expect([...sent].sort()).toEqual([...seeded, ...unknown].sort());
		expect(standIn.deletedUserIds().sort()).toEqual([...seeded].sort());
		expect(standIn.stats().maxInFlight).toBeLessThanOrEqual(8);
		expectKeyOnlyInBody(calls);
	});

	itKeepsTheKeySecret();
});

describe('server errors that echo the request (422, 400, an HTML 418)', () => {
	let result: ExecuteResult;

	beforeAll(async () => {
		standIn.reset();
		standIn.configure({
			statusOverride: [
				{
					// FastAPI's 422 echoes the whole body it validated, api_key included.
					path: '/users/delete',
					status: 422,
					times: 1,
					body: {
						detail: [
							{
								type: 'uuid_parsing',
								loc: ['body', 'user_id'],
								msg: 'Input should be a valid UUID',
								input: { api_key: API_KEY, user_id: ADA },
							},
						],
					},
				},
				{
					path: '/users/delete',
					status: 400,
					times: 1,
					body: { detail: { error: `api_key ${API_KEY} may not remove this user` } },
				},
				{
					path: '/users/delete',
					status: 418,
					times: 1,
					body: `<html><body>Request was {"api_key": "${API_KEY}", "user_id": "${ALAN}"}</body></html>`,
				},
			],
		});
		result = await execute('server-errors');
	}, SCENARIO_TIMEOUT_MS);

	it('puts each failed item on the error output with an explanation that holds no key', () => {
		expectExit(result, 0);
		const failed = outputItems(result.runData, 'Delete (one at a time, error output)', 1);
		expect(pairs(failed)).toEqual([0, 1, 2]);
		expect(failed[0].json).toEqual({
			ticket: 'HR-701',
			name: 'Ada Lovelace',
			user_id: ADA,
			error: 'ProductBridge rejected the request as invalid',
			message: 'user_id: Input should be a valid UUID',
		});
		expect(failed[1].json.error).toBe(
			'ProductBridge refused the request (HTTP 400): api_key [redacted] may not remove this user',
		);
		// An HTML page is not ProductBridge's error envelope: whatever answered is not the API.
		expect(failed[2].json.error).toBe(
			`The Base URL does not lead to ProductBridge's API: ${new URL(standIn.url).host} answered HTTP 418, not in ProductBridge's format`,
		);
		expect(failed[2].json.message).toEqual(
			expect.stringContaining(
				'It answered: text/plain, "<html><body>Request was {"api_key": "[redacted]"',
			),
		);
		expect(JSON.stringify(failed)).not.toContain(API_KEY);
	});

	it('sent one call per item and retried none of them', () => {
		expect(deleteCalls().map((call) => [call.userId, call.status])).toEqual([
			[ADA, 422],
			[GRACE, 400],
			[ALAN, 418],
		]);
		expect(standIn.deletedUserIds()).toEqual([]);
	});

	itKeepsTheKeySecret();
});

describe('a 503, then success', () => {
	let result: ExecuteResult;

	beforeAll(async () => {
		standIn.reset();
		standIn.configure({
			statusOverride: [
				{
					path: '/users/delete',
					status: 503,
					times: 2,
					body: { detail: { error: 'service unavailable' } },
				},
			],
		});
		result = await execute('retry-503');
	}, SCENARIO_TIMEOUT_MS);

	it('retries with backoff and the item succeeds', () => {
		expectExit(result, 0);
		expect(jsonOf(outputItems(result.runData, 'Delete user'))).toEqual([deleted(MARGARET)]);
		const calls = deleteCalls();
		expect(calls.map((call) => [call.userId, call.status])).toEqual([
			[MARGARET, 503],
			[MARGARET, 503],
			[MARGARET, 200],
		]);
		// backoff: at least half of 250 ms, then half of 500 ms
		expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(100);
		expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(200);
		expect(standIn.deletedUserIds()).toEqual([MARGARET]);
	});

	itKeepsTheKeySecret();
});

describe('answers lost on the way back (workflow connection-lost)', () => {
	const KATHERINE_EMAIL = DEMO_USERS[3].email as string;
	let result: ExecuteResult;

	beforeAll(async () => {
		standIn.reset();
		standIn.configure({
			// Room to switch faults between one request and the next (see below).
			latencyMs: 150,
			resetAfterActing: true,
			// A gateway loses the answer to the stranger's first delete (a 502: it may have passed it on).
			statusOverride: [
				{
					path: '/users/delete',
					userId: STRANGER_1,
					status: 502,
					body: '<html><h1>502 Bad Gateway</h1></html>',
					times: 1,
				},
			],
		});
		const running = execute('connection-lost');
		let finished = false;
		const finish = () => (finished = true);
		running.then(finish, finish);
		try {
			// Katherine's delete (and only it) is carried out and then its connection reset: switched
			// on once her lookup arrived (its answer is still 150 ms away), off once her delete arrived.
			await waitFor(
				() => standIn.calls.some((call) => call.email === KATHERINE_EMAIL),
				() => finished,
			);
			standIn.configure({ resetRate: 1 });
			await waitFor(
				() => deleteCalls([KATHERINE]).length > 0,
				() => finished,
			);
		} finally {
			standIn.configure({ resetRate: 0 });
			result = await running;
		}
	}, SCENARIO_TIMEOUT_MS);

	it('runs both branches and exits 0', () => {
		expectExit(result, 0);
		expect(result.error).toBeUndefined();
	});

	it("by user ID, never linked: a 502, then 404 on the retry: 'deleted_or_not_found', deleted: null, with a note, never a false 'deleted'", () => {
		expect(deleteCalls([STRANGER_1]).map((call) => [call.userId, call.status])).toEqual([
			[STRANGER_1, 502],
			[STRANGER_1, 404],
		]);
		const out = outputItems(result.runData, 'Delete by user ID');
		expect(jsonOf(out)).toEqual([
			{
				...deleteItem({ user_id: STRANGER_1, status: 'deleted_or_not_found' }),
				note: expect.stringMatching(
					/^The answer to the first delete request was lost .*This run may or may not have removed them/,
				),
			},
		]);
		expect(pairs(out)).toEqual([0]);
	});

	it('by email, looked up first: reset after ProductBridge removed her, 404 on the retry: deleted, confirmed on retry', () => {
		expect(
			standIn.calls
				.filter((call) => call.email === KATHERINE_EMAIL || call.userId === KATHERINE)
				.map((call) => [call.path, call.reset ? 'reset' : call.status]),
		).toEqual([
			[RETRIEVE_PATH, 200],
			[DELETE_PATH, 'reset'],
			[DELETE_PATH, 404],
		]);
		const out = outputItems(result.runData, 'Delete by email (Not Found fails)');
		expect(jsonOf(out)).toEqual([
			{
				user_id: KATHERINE,
				email: KATHERINE_EMAIL,
				name: 'Katherine Johnson',
				status: 'deleted',
				deleted: true,
				confirmed_on_retry: true,
				note: null,
			},
		]);
		expect(pairs(out)).toEqual([0]);
	});

	it('the stand-in removed Katherine only, and every call carried the key in its body only', () => {
		expect(standIn.deletedUserIds()).toEqual([KATHERINE]);
		expectKeyOnlyInBody(standIn.calls);
	});

	itKeepsTheKeySecret();
});

describe('a rate-limited gateway (429 with Retry-After)', () => {
	let result: ExecuteResult;

	beforeAll(async () => {
		standIn.reset({ acceptAnyUser: true });
		standIn.configure({ rateLimit: { perSecond: 10, burst: 5, retryAfter: 'seconds' } });
		result = await execute('rate-limited');
	}, SCENARIO_TIMEOUT_MS);

	it('removes all 30 users without failing any item', () => {
		expectExit(result, 0);
		const out = outputItems(result.runData, 'Delete users');
		expect(pairs(out)).toEqual(Array.from({ length: 30 }, (_, index) => index));
		out.forEach((item, index) =>
			expect(item.json).toEqual(
				deleted(`7a7e0000-0000-4000-8000-${String(index).padStart(12, '0')}`),
			),
		);
		expect(standIn.stats().deletions).toBe(30);
	});

	it('honours Retry-After: after a 429, nobody sends again until the second has passed', () => {
		const calls = deleteCalls();
		const limited = calls.filter((call) => call.status === 429);
		expect(limited.length).toBeGreaterThan(0);
		expect(calls.filter((call) => call.status === 200)).toHaveLength(30);
		// A request already on its way when the 429 came back may still arrive just after it.
		for (const refusal of limited) {
			const tooEarly = calls.filter(
				(call) => call.at > refusal.at + 500 && call.at < refusal.at + 900,
			);
			expect(tooEarly).toEqual([]);
		}
		expect(standIn.stats().maxInFlight).toBeLessThanOrEqual(8);
	});

	itKeepsTheKeySecret();
});

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
			expect(JSON.stringify(parsed)).toContain(JSON.stringify(deleted(ADA)).slice(1, -1));
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
				expect.stringContaining(JSON.stringify(deleted(GRACE)).slice(1, -1)),
				expect.stringContaining(JSON.stringify(notFound(STRANGER_2)).slice(1, -1)),
			]);
			const answer = String(outputItems(result.runData, 'Offboarding agent')[0]?.json.output);
			expect(answer).toContain(JSON.stringify(deleted(GRACE)).slice(1, -1));
			expect(answer).toContain(JSON.stringify(notFound(STRANGER_2)).slice(1, -1));
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
