/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * The example workflows in examples/ (the ones the README offers and `npm run dev` imports), run
 * in a real n8n against the ProductBridge stand-in so they cannot rot:
 *
 *  - bulk-cleanup: `n8n execute`, with ProductBridge failing twice so the second pass has work;
 *  - ai-agent: `n8n execute` of its "Execute workflow" path, the chat model being a scripted
 *    OpenAI-compatible server in this file (it asks the tool to remove every email it is given);
 *  - hr-offboarding: published, `n8n start`, and real HTTP calls to its webhook, header auth
 *    included.
 *
 * Each example is imported as the file is, only its placeholder credentials swapped for real ones.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';

import { DEMO_USERS, startStandIn } from '../../tools/standin/server.ts';
import { ISO_TIME } from '../support/outputs.ts';
import { startFakeOpenAi } from '../../tools/fake-openai.ts';
import type { FakeOpenAi } from '../../tools/fake-openai.ts';
import type { CallRecord, StandIn } from '../../tools/standin/server.ts';
import {
	loadAllWorkflows,
	majorOf,
	outputItems,
	pairedIndex,
	prepareN8n,
	REPO_ROOT,
	rewriteWorkflow,
	waitForWebhook,
} from '../support/n8n.ts';
import type {
	ExecuteResult,
	JsonObject,
	N8nInstance,
	N8nServer,
	OutputItem,
	WorkflowJson,
} from '../support/n8n.ts';

const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
const EXAMPLE_FILES = ['ai-agent', 'bulk-cleanup', 'hr-offboarding'];

/** `pb_` + 43 URL-safe characters, fresh for every run. */
const API_KEY = `pb_${randomBytes(33).toString('base64url').slice(0, 43)}`;
const WEBHOOK_SECRET = `hr-${randomBytes(12).toString('hex')}`;
const WEBHOOK_HEADER = 'X-HR-Secret';

const CREDENTIALS = {
	productBridge: { id: 'pbExamplesStandIn', name: 'ProductBridge (stand-in)' },
	webhook: { id: 'pbExamplesHrHook', name: 'HR webhook secret' },
	openAi: { id: 'pbExamplesModel', name: 'OpenAI (scripted stand-in)' },
};
const PLACEHOLDERS = {
	REPLACE_PRODUCTBRIDGE_CREDENTIAL: CREDENTIALS.productBridge,
	REPLACE_WEBHOOK_HEADER_AUTH_CREDENTIAL: CREDENTIALS.webhook,
	REPLACE_OPENAI_CREDENTIAL: CREDENTIALS.openAi,
};

const DELETE_PATH = '/api/external/v1/users/delete';
const RETRIEVE_PATH = '/api/external/v1/users/retrieve';

const user = (first: string) => {
	const found = DEMO_USERS.find((candidate) => candidate.email?.startsWith(`${first}.`));
	if (found === undefined) throw new Error(`no demo user ${first}`);
	return { email: found.email as string, userId: found.user_id as string, name: found.name };
};
const ADA = user('ada');
const GRACE = user('grace');
const ALAN = user('alan');
const KATHERINE = user('katherine');
const MARGARET = user('margaret');

const N8N_SETUP_TIMEOUT_MS = 50 * 60_000;
const SCENARIO_TIMEOUT_MS = 4 * 60_000;

let n8n: N8nInstance;
let standIn: StandIn;
let model: FakeOpenAi;
let examples: Record<string, WorkflowJson>;

beforeAll(async () => {
	standIn = await startStandIn({ apiKey: API_KEY, users: DEMO_USERS });
	model = await startFakeOpenAi({ argumentPattern: EMAIL_ANYWHERE });
	n8n = await prepareN8n({ log: (line) => process.stderr.write(`[examples] ${line}\n`) });
	const imported = await n8n.importCredential([
		{
			...CREDENTIALS.productBridge,
			type: 'productBridgeApi',
			data: { apiKey: API_KEY, baseUrl: standIn.url },
		},
		{
			...CREDENTIALS.webhook,
			type: 'httpHeaderAuth',
			data: { name: WEBHOOK_HEADER, value: WEBHOOK_SECRET },
		},
		{
			...CREDENTIALS.openAi,
			type: 'openAiApi',
			data: { apiKey: 'sk-scripted-stand-in', url: model.baseUrl },
		},
	]);
	expect(imported.exitCode).toBe(0);
	examples = loadAllWorkflows(EXAMPLES_DIR);
	const workflows = Object.values(examples).map((workflow) =>
		rewriteWorkflow(workflow, { credentials: PLACEHOLDERS }),
	);
	const importedWorkflows = await n8n.importWorkflow(workflows);
	expect(importedWorkflows.exitCode).toBe(0);
}, N8N_SETUP_TIMEOUT_MS);

afterAll(async () => {
	await n8n?.cleanup();
	await standIn?.close();
	await model?.close();
});

// ---------------------------------------------------------------- helpers

function explain(result: ExecuteResult): string {
	return `exit ${result.exitCode ?? `by ${result.signal}`}${result.timedOut ? ' (timed out)' : ''}\n--- stdout (tail)\n${result.stdout.slice(-4000)}\n--- stderr (tail)\n${result.stderr.slice(-4000)}`;
}

async function execute(file: string): Promise<ExecuteResult> {
	const result = await n8n.execute(examples[file].id);
	if (result.exitCode !== 0 || result.execution === undefined)
		throw new Error(`examples/${file}.json did not run: ${explain(result)}`);
	return result;
}

function jsonOf(items: readonly OutputItem[]): JsonObject[] {
	return items.map((item) => item.json);
}

function calls(apiPath: string): CallRecord[] {
	return standIn.calls.filter((call) => call.path === apiPath);
}

function expectKeyNowhere(): void {
	expect(n8n.findSecret(API_KEY)).toEqual([]);
	for (const call of standIn.calls) expect(call.keyLocations).toEqual(['body']);
}

// ---------------------------------------------------------------- the files themselves

describe('the example files', () => {
	it('are the three the README describes, each exercised below', () => {
		expect(Object.keys(examples).sort()).toEqual(EXAMPLE_FILES);
	});

	it('name placeholder credentials only, carry a sticky note, and run in v1 order', () => {
		for (const [file, workflow] of Object.entries(examples)) {
			const credentialIds = workflow.nodes.flatMap((node) =>
				Object.values(node.credentials ?? {}).map((reference) => reference.id),
			);
			expect({ file, ids: credentialIds.filter((id) => !id.startsWith('REPLACE_')) }).toEqual({
				file,
				ids: [],
			});
			expect(workflow.nodes.some((node) => node.type === 'n8n-nodes-base.stickyNote')).toBe(true);
			expect(workflow.settings).toEqual({ executionOrder: 'v1' });
			expect(JSON.stringify(workflow)).not.toMatch(/pb_[A-Za-z0-9_-]{20,}/);
		}
	});
});

// ---------------------------------------------------------------- bulk cleanup

describe('examples/bulk-cleanup.json: a list, an error branch, a second pass', () => {
	const FIRST = 'Delete (first pass)';
	const SECOND = 'Delete (second pass)';
	let result: ExecuteResult;

	/** The first pass retries each request up to its default Max Retries (5): 6 attempts. */
	const FIRST_PASS_ATTEMPTS = 6;
	const FAILING = [GRACE, ALAN];

	beforeAll(async () => {
		standIn.reset();
		// ProductBridge has a bad moment for two people: a 500 on every attempt of the first pass,
		// which retries a 500 but gives up after its last retry; the second pass finds it over.
		standIn.configure({
			statusOverride: FAILING.map((person) => ({
				path: '/users/delete',
				userId: person.userId,
				status: 500,
				body: { detail: { error: 'internal error' } },
				times: FIRST_PASS_ATTEMPTS,
			})),
		});
		result = await execute('bulk-cleanup');
	}, SCENARIO_TIMEOUT_MS);

	it('the first pass removes two, lets the unknown person pass as not found, and fails three', () => {
		const rows = jsonOf(outputItems(result.runData, 'Accounts to remove'));
		expect(rows).toHaveLength(6);
		const success = outputItems(result.runData, FIRST, 0);
		const failed = outputItems(result.runData, FIRST, 1);
		expect(success.map((item) => item.json.status).sort()).toEqual([
			'deleted',
			'deleted',
			'not_found',
		]);
		expect(success.find((item) => item.json.status === 'not_found')?.json).toEqual({
			user_id: null,
			email: 'charles.babbage@example.com',
			name: null,
			status: 'not_found',
			deleted: false,
			confirmed_on_retry: false,
			verified: null,
			note: null,
			at: expect.stringMatching(new RegExp(ISO_TIME)),
		});
		expect(
			success
				.filter((item) => item.json.status === 'deleted')
				.map((item) => item.json.email)
				.sort(),
		).toEqual([KATHERINE.email, MARGARET.email].sort());
		expect(failed).toHaveLength(3);
		// every item pairs back to its own row, and error items keep the row's fields
		for (const item of [...success, ...failed])
			expect(rows[pairedIndex(item) as number].email).toBe(item.json.email);
		for (const item of failed) {
			expect(item.json).toEqual({
				...rows[pairedIndex(item) as number],
				error: expect.any(String),
				message: expect.any(String),
			});
		}
		expect(failed.map((item) => item.json.email)).toEqual([
			GRACE.email,
			ALAN.email,
			'hedy.lamarr(at)example.com',
		]);
		// A 500 may come from a server that acted before failing: the error says so.
		for (const item of failed.slice(0, 2)) {
			expect(item.json.error).toBe(
				`ProductBridge failed with a server error (HTTP 500) (after ${FIRST_PASS_ATTEMPTS} attempts); the outcome is unknown`,
			);
		}
	});

	it('the second pass removes the two that met the 500, and one is left for a human', () => {
		const second = jsonOf(outputItems(result.runData, SECOND, 0));
		expect(second).toEqual(
			FAILING.map((person) => ({
				user_id: person.userId,
				email: person.email,
				name: person.name,
				status: 'deleted',
				deleted: true,
				confirmed_on_retry: false,
				verified: null,
				note: null,
				at: expect.stringMatching(new RegExp(ISO_TIME)),
			})),
		);
		const needsHuman = jsonOf(outputItems(result.runData, 'Needs a human'));
		expect(needsHuman).toEqual([
			{
				count: 1,
				failures: [
					{
						email: 'hedy.lamarr(at)example.com',
						reason: 'erasure request',
						error: expect.stringContaining('is not a valid email address'),
						first_pass_error: expect.stringContaining('is not a valid email address'),
					},
				],
			},
		]);
		expect(standIn.deletedUserIds().sort()).toEqual(
			[GRACE, ALAN, KATHERINE, MARGARET].map((person) => person.userId).sort(),
		);
		const deletes = calls(DELETE_PATH).map((call) => call.status);
		expect(deletes.filter((status) => status === 500)).toHaveLength(2 * FIRST_PASS_ATTEMPTS);
		expect(deletes.filter((status) => status === 200)).toHaveLength(4);
	});

	it('keeps the API key out of what n8n printed and stored', () => {
		expectKeyNowhere();
	});
});

// ---------------------------------------------------------------- AI agent

describe('examples/ai-agent.json: an AI Agent with the node as a tool (scripted model)', () => {
	let result: ExecuteResult;

	beforeAll(async () => {
		standIn.reset();
		model.reset();
		result = await execute('ai-agent');
	}, SCENARIO_TIMEOUT_MS);

	it('offers the model one tool that takes an email', () => {
		const tools = model.requests[0]?.tools ?? [];
		expect(tools.map((tool) => tool.function.name)).toEqual(['Delete_a_ProductBridge_user']);
		expect(Object.keys(tools[0].function.parameters?.properties ?? {})).toEqual(['email']);
	});

	it('removes Grace, reports Charles as not found, and the agent answers', () => {
		expect(
			calls(RETRIEVE_PATH)
				.map((call) => [call.email, call.status])
				.sort(),
		).toEqual(
			[
				[GRACE.email, 200],
				['charles.babbage@example.com', 404],
			].sort(),
		);
		expect(standIn.deletedUserIds()).toEqual([GRACE.userId]);
		const toolAnswers = model.requests.flatMap((request) =>
			request.messages
				.filter((message) => message.role === 'tool')
				.map((message) => message.content),
		);
		expect(toolAnswers).toEqual([
			expect.stringContaining('"status":"deleted"'),
			expect.stringContaining('"status":"not_found"'),
		]);
		const answer = String(outputItems(result.runData, 'Offboarding agent')[0]?.json.output);
		expect(answer).toContain(GRACE.email);
		expect(answer).toContain('not_found');
	});

	it('never sends the ProductBridge key to the model provider', () => {
		expect(model.requests.length).toBeGreaterThanOrEqual(2);
		for (const request of model.requests) expect(request.raw).not.toContain(API_KEY);
		expectKeyNowhere();
	});
});

// ---------------------------------------------------------------- HR offboarding (webhook)

describe('examples/hr-offboarding.json: published, called over HTTP', () => {
	let server: N8nServer;
	let webhookUrl: string;

	async function post(
		body: unknown,
		headers: Record<string, string> = { [WEBHOOK_HEADER]: WEBHOOK_SECRET },
	): Promise<{ status: number; json: JsonObject | undefined; text: string }> {
		const response = await fetch(webhookUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		const text = await response.text();
		let json: JsonObject | undefined;
		try {
			json = JSON.parse(text) as JsonObject;
		} catch {
			json = undefined;
		}
		return { status: response.status, json, text };
	}

	beforeAll(async () => {
		const id = examples['hr-offboarding'].id;
		const published = await n8n.run(
			majorOf(n8n.version) === 1
				? ['update:workflow', `--id=${id}`, '--active=true']
				: ['publish:workflow', `--id=${id}`],
		);
		expect(published.exitCode).toBe(0);
		server = await n8n.startServer();
		webhookUrl = `${server.url}/webhook/productbridge-offboarding`;
		// n8n answers its REST API before it has registered the published workflows' webhooks.
		await waitForWebhook(webhookUrl);
	}, SCENARIO_TIMEOUT_MS);

	afterAll(async () => {
		await server?.stop();
	});

	beforeEach(() => standIn.reset());

	it('refuses a call without the secret header, and ProductBridge hears nothing', async () => {
		const answer = await post({ email: ADA.email }, {});
		expect(answer.status).toBe(403);
		const wrong = await post({ email: ADA.email }, { [WEBHOOK_HEADER]: 'not-the-secret' });
		expect(wrong.status).toBe(403);
		expect(standIn.calls).toEqual([]);
	});

	it('one leaver: looked up by email, removed, and summed up in the answer', async () => {
		const answer = await post({ email: ADA.email });
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({
			leavers: 1,
			removed: [ADA.email],
			not_found: [],
			failed: [],
			ok: true,
		});
		expect(standIn.calls.map((call) => [call.path, call.status])).toEqual([
			[RETRIEVE_PATH, 200],
			[DELETE_PATH, 200],
		]);
		expect(standIn.deletedUserIds()).toEqual([ADA.userId]);
	});

	it('several leavers: removed, not found and failed each go their own way into one summary', async () => {
		const answer = await post({
			emails: [GRACE.email, 'nobody@example.com', 'not-an-email', ` ${ALAN.email} `],
		});
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({
			leavers: 4,
			removed: [GRACE.email, ALAN.email],
			not_found: ['nobody@example.com'],
			failed: [
				{ email: 'not-an-email', error: "'not-an-email' is not a valid email address [item 2]" },
			],
			ok: false,
		});
		expect(standIn.deletedUserIds().sort()).toEqual([GRACE.userId, ALAN.userId].sort());
	});

	it('ProductBridge failing: the leaver leaves through the error output into the summary', async () => {
		// Every lookup fails: retried (Max Retries 5 by default), then given up.
		standIn.configure({
			statusOverride: [
				{ path: '/users/retrieve', status: 500, body: { detail: { error: 'internal error' } } },
			],
		});
		const answer = await post({ email: KATHERINE.email });
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({
			leavers: 1,
			removed: [],
			not_found: [],
			failed: [{ email: KATHERINE.email, error: expect.any(String) }],
			ok: false,
		});
		expect(standIn.deletedUserIds()).toEqual([]);
	});

	it('a leaver already removed comes back as not found', async () => {
		await post({ email: MARGARET.email });
		const again = await post({ email: MARGARET.email });
		expect(again.json).toMatchObject({ removed: [], not_found: [MARGARET.email], ok: true });
	});

	it("two leavers' executions at once share one Retry-After pause: the second waits it out too", async () => {
		standIn.configure({
			statusOverride: [
				{
					path: '/users/retrieve',
					status: 429,
					body: { detail: { error: 'rate limited' } },
					times: 1,
					headers: { 'Retry-After': '2' },
				},
			],
		});
		const first = post({ email: ADA.email });
		let refusedAt: number | undefined;
		for (let i = 0; i < 1000 && refusedAt === undefined; i++) {
			refusedAt = standIn.calls.find((call) => call.status === 429)?.at;
			if (refusedAt === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
		}
		expect(refusedAt).toBeDefined();
		const second = await post({ email: GRACE.email });
		expect((await first).json).toMatchObject({ removed: [ADA.email], ok: true });
		expect(second.json).toMatchObject({ removed: [GRACE.email], ok: true });
		const secondAsked = standIn.calls.find((call) => call.email === GRACE.email);
		// Another execution, started after the 429, held by the pause it asked for (2 s).
		expect((secondAsked?.at ?? 0) - (refusedAt ?? 0)).toBeGreaterThanOrEqual(1800);
	});

	it('keeps the API key out of the answers and of what n8n printed and stored', async () => {
		const answer = await post({ emails: [ADA.email, 'not-an-email'] });
		expect(answer.text).not.toContain(API_KEY);
		await server.stop();
		expectKeyNowhere();
	});
});

// A chat model asked to remove people: it calls the tool once per email in the user's message.
const EMAIL_ANYWHERE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
