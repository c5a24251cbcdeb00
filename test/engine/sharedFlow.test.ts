/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Executions side by side in one process, as n8n runs one-leaver-per-execution webhooks: they
 * share one flow controller per Base URL and key (issue 18), and tell the user in an execution
 * hint when they were rate-limited.
 */
import path from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { forgetSharedFlows, loadPackage, runNode } from '../support/engine.ts';
import type { EngineRun, LoadedPackage } from '../support/engine.ts';
import { startStandIn } from '../../tools/standin/server.ts';
import type { StandIn } from '../../tools/standin/server.ts';

const API_KEY = 'pb_sharedFlowTest_Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1G';
const OTHER_KEY = 'pb_sharedFlowTest_other_Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8';

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

async function deleteOne(
	i: number,
	apiKey = API_KEY,
	options: INodeParameters = {},
): Promise<EngineRun> {
	return await runNode(pkg, {
		nodeType: 'productBridge',
		parameters: { resource: 'user', operation: 'delete', options },
		items: [{ user_id: userId(i) }],
		credentials: { type: 'productBridgeApi', data: { apiKey, baseUrl: standIn.url } },
		onError: 'continueRegularOutput',
	});
}

function rateLimitOnce(retryAfter: string) {
	standIn.configure({
		statusOverride: [
			{
				path: '/users/delete',
				status: 429,
				body: { detail: { error: 'rate limited' } },
				times: 1,
				headers: { 'Retry-After': retryAfter },
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

describe('executions sharing one API key in one process', () => {
	it('share the pause a Retry-After asked for: a second execution waits it out too', async () => {
		rateLimitOnce('2');
		const first = deleteOne(1);
		const refusedAt = await untilRefused();
		const second = deleteOne(2);
		const runs = await Promise.all([first, second]);

		for (const run of runs) expect(run.outputs[0][0].json.status).toBe('deleted');
		const secondCall = standIn.calls.find((call) => call.userId === userId(2));
		// A request already on its way could not have known; this one started after the 429.
		expect((secondCall?.at ?? 0) - refusedAt).toBeGreaterThanOrEqual(1800);
	});

	it('never hold back an execution with another key', async () => {
		rateLimitOnce('3');
		const first = deleteOne(1);
		const refusedAt = await untilRefused();
		const other = await deleteOne(2, OTHER_KEY);
		const otherCall = standIn.calls.find((call) => call.userId === userId(2));

		// The stand-in knows one key only: the other organization's request is rejected, at once.
		expect(otherCall?.status).toBe(401);
		expect((otherCall?.at ?? 0) - refusedAt).toBeLessThan(1500);
		expect(other.outputs[0][0].json.error).toBe('ProductBridge rejected the API key');
		await first;
	});

	it('fail an item at once when the shared pause outlasts its Max Wait for Rate Limits', async () => {
		rateLimitOnce('30');
		const first = await deleteOne(1, API_KEY, { maxRateLimitWait: 5 });
		const started = Date.now();
		const second = await deleteOne(2, API_KEY, { maxRateLimitWait: 5 });

		expect(first.outputs[0][0].json.error).toMatch(/^ProductBridge asked to wait 30 s/);
		expect(second.outputs[0][0].json.error).toMatch(/^ProductBridge asked to wait (29|30) s/);
		expect(Date.now() - started).toBeLessThan(1500);
		expect(standIn.calls.filter((call) => call.userId === userId(2))).toEqual([]);
	});
});

describe('an API that does not answer, met by many executions at once', () => {
	it('holds an execution queued behind silent requests no longer than the longest Request Timeout in use: it fails, nothing sent', async () => {
		// Until ProductBridge has answered once, the key's requests go one at a time.
		standIn.configure({ slowRate: 1, slowMs: 20_000 });
		const hung = [1, 2, 3].map(
			async (i) => await deleteOne(i, API_KEY, { requestTimeout: 3000, maxRetries: 0 }),
		);
		while (standIn.stats().requests === 0) await new Promise((resolve) => setTimeout(resolve, 10));
		await new Promise((resolve) => setTimeout(resolve, 200)); // the other two queue first
		const started = Date.now();
		const queued = await deleteOne(4, API_KEY, { maxRateLimitWait: 1, requestTimeout: 1000 });

		const item = queued.outputs[0][0].json;
		expect(item.error).toMatch(
			/^No turn to send this request: ProductBridge answered none of the requests ahead of it with the same API key for 3 s/,
		);
		expect(JSON.stringify(item)).not.toContain(API_KEY.slice(-8));
		expect(Date.now() - started).toBeLessThan(5000);
		expect(standIn.calls.filter((call) => call.userId === userId(4))).toEqual([]);
		for (const run of await Promise.all(hung)) {
			expect(run.outputs[0][0].json.error).toMatch(/^Could not reach ProductBridge/);
		}
	});

	it('lets a queue that moves be waited out, even with Max Wait for Rate Limits at 0', async () => {
		standIn.configure({ latencyMs: 300 });
		const runs = await Promise.all(
			Array.from(
				{ length: 6 },
				async (_, i) => await deleteOne(i, API_KEY, { maxRateLimitWait: 0 }),
			),
		);
		expect(runs.map((run) => run.outputs[0][0].json.status)).toEqual(runs.map(() => 'deleted'));
	});
});

describe('the execution hint', () => {
	it('says how often the run was rate-limited and how long an item waited', async () => {
		rateLimitOnce('1');
		const run = await deleteOne(1);

		expect(run.outputs[0][0].json.status).toBe('deleted');
		const hints = hintsOf(run);
		expect(hints).toHaveLength(1);
		expect(hints[0]).toMatch(
			/^ProductBridge rate-limited 1 request \(429\) in this run; the longest wait of an item for its turn was 1\.\d s/,
		);
		expect(hints[0]).not.toContain(API_KEY.slice(-8));
	});

	it('is not shown when nothing held the run back', async () => {
		const run = await deleteOne(1);

		expect(run.outputs[0][0].json.status).toBe('deleted');
		expect(hintsOf(run)).toEqual([]);
	});
});
