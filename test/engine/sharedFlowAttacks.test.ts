/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * The shared flow (issue 18; from its hostile review): hostile servers and
 * careless credentials against the shared flow, run in n8n-core's engine.
 */
import path from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { forgetSharedFlows, loadPackage, runNode } from '../support/engine.ts';
import type { EngineRun, LoadedPackage } from '../support/engine.ts';
import { startStandIn } from '../../tools/standin/server.ts';
import type { StandIn } from '../../tools/standin/server.ts';
import { flowIdentity } from '../../nodes/ProductBridge/transport/flow/registry.ts';

const API_KEY = 'pb_r18Attack_Qw3Er4Ty5Ui6Op7As8Df9Gh0Jk1Lz';

let pkg: LoadedPackage;
let standIn: StandIn;

beforeAll(async () => {
	pkg = await loadPackage(path.join(__dirname, '..', '..'));
	standIn = await startStandIn({ apiKey: API_KEY, acceptAnyUser: true });
});

afterAll(async () => await standIn.close());

beforeEach(async () => {
	standIn.reset({ acceptAnyUser: true });
	await forgetSharedFlows(pkg);
});

const userId = (i: number) => `5a5e0000-0000-4000-8000-${String(i).padStart(12, '0')}`;

async function deleteMany(
	ids: number[],
	{
		apiKey = API_KEY,
		baseUrl = standIn.url,
		options = {},
	}: { apiKey?: string; baseUrl?: string; options?: INodeParameters } = {},
): Promise<EngineRun> {
	return await runNode(pkg, {
		nodeType: 'productBridge',
		parameters: { resource: 'user', operation: 'delete', options },
		items: ids.map((i) => ({ user_id: userId(i) })),
		credentials: { type: 'productBridgeApi', data: { apiKey, baseUrl } },
		onError: 'continueRegularOutput',
	});
}

function always429(retryAfter: string, times?: number) {
	standIn.configure({
		statusOverride: [
			{
				path: '/users/delete',
				status: 429,
				body: { detail: { error: 'rate limited SECRET_BODY_TEXT' } },
				headers: { 'Retry-After': retryAfter },
				...(times === undefined ? {} : { times }),
			},
		],
	});
}

async function untilRefused(): Promise<number> {
	for (let i = 0; i < 500; i++) {
		const refusal = standIn.calls.find((call) => call.status === 429);
		if (refusal) return refusal.at;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	throw new Error('the stand-in never answered 429');
}

function hintsOf(run: EngineRun): string[] {
	const task = run.runData[run.nodeName]?.[0] as { hints?: Array<{ message: string }> } | undefined;
	return (task?.hints ?? []).map((hint) => hint.message);
}

describe('who shares a controller (careless credentials)', () => {
	it('a key typed with a trailing space is the same key on the wire, so it shares the pause', async () => {
		always429('2', 1);
		const first = deleteMany([1]);
		const refusedAt = await untilRefused();
		const second = deleteMany([2], { apiKey: `${API_KEY} ` });
		const runs = await Promise.all([first, second]);
		for (const run of runs) expect(run.outputs[0][0].json.status).toBe('deleted');
		const secondCall = standIn.calls.find((call) => call.userId === userId(2));
		expect((secondCall?.at ?? 0) - refusedAt).toBeGreaterThanOrEqual(1800);
	});

	it('two APIs whose paths differ only in case are two APIs (a path-routed gateway)', () => {
		expect(flowIdentity('https://gw.example/TenantA/api/external/v1', API_KEY)).not.toBe(
			flowIdentity('https://gw.example/tenanta/api/external/v1', API_KEY),
		);
	});

	it('the same API spelled with and without the API path shares one pause', async () => {
		always429('2', 1);
		const first = deleteMany([1]);
		const refusedAt = await untilRefused();
		const second = deleteMany([2], { baseUrl: `${standIn.url}/api/external/v1/` });
		await Promise.all([first, second]);
		const secondCall = standIn.calls.find((call) => call.userId === userId(2));
		expect((secondCall?.at ?? 0) - refusedAt).toBeGreaterThanOrEqual(1800);
	});
});

describe('Retry-After: 3600 on every answer', () => {
	it('fails every item of many executions within seconds, each with the budget message', async () => {
		always429('3600');
		const started = Date.now();
		const runs = await Promise.all(
			Array.from({ length: 6 }, (_, run) =>
				deleteMany(Array.from({ length: 25 }, (_, i) => run * 100 + i)),
			),
		);
		const elapsed = Date.now() - started;
		const errors = runs.flatMap((run) => run.outputs[0].map((item) => item.json.error));
		expect(errors).toHaveLength(150);
		for (const error of errors) {
			expect(error).toMatch(/^ProductBridge asked to wait (3599|3600) s/);
		}
		expect(elapsed).toBeLessThan(15_000);
		// One 429 is enough to know; the rest must not be sent.
		expect(standIn.calls.length).toBeLessThanOrEqual(6);
		for (const run of runs) {
			for (const hint of hintsOf(run)) {
				expect(hint).not.toContain('SECRET_BODY_TEXT');
				expect(hint).not.toContain(API_KEY.slice(-6));
			}
		}
	}, 60_000);
});

describe('a 429 storm, then a reset', () => {
	it('does not let 429s spend Max Retries, and a lost answer after them stays unknown', async () => {
		standIn.configure({
			statusOverride: [
				{
					path: '/users/delete',
					status: 429,
					body: { detail: { error: 'rate limited' } },
					headers: { 'Retry-After': '0' },
					times: 8,
				},
			],
			resetRate: 1,
			resetAfterActing: true,
		});
		const run = await deleteMany([1], { options: { maxRetries: 1 } });
		const item = run.outputs[0][0].json;
		// The stand-in deletes, then hangs up, every time after the storm: the outcome is unknown.
		expect(String(item.error)).toMatch(/the outcome is unknown$/);
		expect(standIn.calls.map((call) => call.status)).toEqual([...Array(8).fill(429), 0, 0]);
		// Max Retries 1 allowed two real tries; the eight 429s were "not yet", not attempts that
		// Max Retries could change, and ProductBridge did answer them.
		expect(String(item.error)).not.toMatch(/after 10 attempts/);
	}, 60_000);
});

describe('fairness: a bulk run and one-leaver executions started after it', () => {
	it('serves the one-leaver executions long before the bulk run ends', async () => {
		standIn.configure({ rateLimit: { perSecond: 40, retryAfter: 'seconds' } });
		const bulk = deleteMany(Array.from({ length: 400 }, (_, i) => 10_000 + i));
		// Let the bulk run fill its window first.
		for (let i = 0; i < 500 && standIn.calls.length < 40; i++) {
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
		const singles = Array.from({ length: 5 }, (_, i) => deleteMany([i + 1]));
		const singleRuns = await Promise.all(singles);
		const deletedBeforeSinglesDone = standIn.deletedUserIds().length;
		const bulkRun = await bulk;

		for (const run of singleRuns) expect(run.outputs[0][0].json.status).toBe('deleted');
		expect(bulkRun.outputs[0].every((item) => item.json.status === 'deleted')).toBe(true);
		// Served in arrival order: the singles wait behind the bulk run's window, not its 400 items.
		expect(deletedBeforeSinglesDone).toBeLessThan(200);
	}, 120_000);
});

describe('state between tests', () => {
	it('leaves a one-hour pause behind ...', async () => {
		always429('3600', 1);
		const run = await deleteMany([1]);
		expect(String(run.outputs[0][0].json.error)).toMatch(/asked to wait 3600 s/);
	});

	it('... which forgetSharedFlows really forgets', async () => {
		const run = await deleteMany([2]);
		expect(run.outputs[0][0].json.status).toBe('deleted');
	});
});

describe('one-leaver executions side by side (the wiring issue 18 is about)', () => {
	it('are not held to one request in flight in the whole process when the API answers slowly', async () => {
		standIn.configure({ latencyMs: 300 });
		const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => deleteMany([i + 1])));
		for (const run of runs) expect(run.outputs[0][0].json.status).toBe('deleted');
		const arrivals = standIn.calls.map((call) => call.at).sort((a, b) => a - b);
		const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]);
		// Twelve executions, each one request, an API that allows any number: some must overlap.
		expect(Math.min(...gaps)).toBeLessThan(150);
	}, 60_000);
});

describe('a 503 with Retry-After: 3600', () => {
	it('fails at once with the budget message and says 503, not 429', async () => {
		standIn.configure({
			statusOverride: [
				{
					path: '/users/delete',
					status: 503,
					body: { detail: { error: 'maintenance' } },
					headers: { 'Retry-After': '3600' },
				},
			],
		});
		const run = await deleteMany([1, 2, 3]);
		for (const item of run.outputs[0]) {
			expect(String(item.json.error)).toMatch(/^ProductBridge asked to wait (3599|3600) s/);
		}
		const error = run.outputs[0][0].json as { error: string; httpCode?: string };
		expect(JSON.stringify(error)).not.toContain('"429"');
	}, 30_000);
});

describe('an execution stopped by a refused key, beside another on the same key', () => {
	it.each(['continueRegularOutput', 'stopWorkflow'] as const)(
		'(On Error %s) sends nothing after the 401 and holds no slot from the other execution',
		async (onError) => {
			standIn.configure({
				latencyMs: 150,
				statusOverride: [
					{
						path: '/users/delete',
						status: 401,
						body: { detail: { error: 'invalid api key' } },
						userId: userId(1005),
					},
				],
			});
			const bulk = runNode(pkg, {
				nodeType: 'productBridge',
				parameters: { resource: 'user', operation: 'delete', options: {} },
				items: Array.from({ length: 60 }, (_, i) => ({ user_id: userId(1000 + i) })),
				credentials: { type: 'productBridgeApi', data: { apiKey: API_KEY, baseUrl: standIn.url } },
				onError,
			});
			for (let i = 0; i < 500 && !standIn.calls.some((c) => c.status === 401); i++) {
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
			const refusedAt = standIn.calls.find((c) => c.status === 401)?.at ?? 0;
			const singleStarted = Date.now();
			const single = await deleteMany([1]);
			const singleTook = Date.now() - singleStarted;
			await bulk;
			expect(single.outputs[0][0].json.status).toBe('deleted');
			const sentAfter = standIn.calls.filter(
				// `at` is arrival; the 401 left the stand-in 150 ms later (its latency).
				(c) => c.userId !== userId(1) && c.at > refusedAt + 150 + 20,
			);
			expect(sentAfter.map((c) => c.userId)).toEqual([]);
			// One round trip of 150 ms and the engine's own time, not a wait behind the stopped run.
			expect(singleTook).toBeLessThan(1500);
		},
		60_000,
	);
});
