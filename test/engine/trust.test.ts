/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Outcomes an auditor can trust, tried as a hostile server would try them, inside n8n-core's
 * engine against the local stand-in: the key in pieces at every offset, redirects to another
 * host, prototype pollution, and the timing of retries and pauses. What is "items + faults →
 * outputs + effects" is a row of the scenario table (test/scenarios/table.ts) instead.
 */
import path from 'node:path';

import type { IDataObject, INodeExecutionData, OnError } from 'n8n-workflow';

import { forgetSharedFlows, loadPackage, runNode } from '../support/engine.ts';
import type { EngineRun, LoadedPackage } from '../support/engine.ts';
import { startStandIn } from '../../tools/standin/server.ts';
import type { StandIn, StatusOverride } from '../../tools/standin/server.ts';

const API_KEY = 'pb_trustTest_Q7wErTyUiOpAsDfGhJkLzXcVbNm0123456';
const ADA = {
	user_id: '240f6070-d2d3-4ce1-9461-5188bed8fc1d',
	email: 'ada@example.com',
	name: 'Ada Lovelace',
};
const GRACE = '98471b2d-47ef-4458-b30d-6ebea23bbd20';

let pkg: LoadedPackage;
let standIn: StandIn;
/** Another host, where nothing of ours should ever arrive. */
let elsewhere: StandIn;

beforeAll(async () => {
	pkg = await loadPackage(path.join(__dirname, '..', '..'));
	standIn = await startStandIn({ apiKey: API_KEY, users: [ADA, { user_id: GRACE }] });
	elsewhere = await startStandIn({ apiKey: API_KEY, host: '127.0.0.2', acceptAnyUser: true });
});

afterAll(async () => {
	await standIn.close();
	await elsewhere.close();
});

beforeEach(async () => {
	standIn.reset();
	elsewhere.reset();
	await forgetSharedFlows(pkg);
});

interface Run {
	items: IDataObject[];
	operation?: 'delete' | 'get';
	parameters?: IDataObject;
	options?: IDataObject;
	onError?: OnError;
	baseUrl?: string;
}

const KEY_PIECES = Array.from({ length: API_KEY.length - 5 }, (_, i) => API_KEY.slice(i, i + 6));

async function run({
	items,
	operation = 'delete',
	parameters,
	options,
	onError,
	baseUrl,
}: Run): Promise<EngineRun> {
	const result = await runNode(pkg, {
		nodeType: 'productBridge',
		parameters: {
			resource: 'user',
			operation,
			onNotFound: 'continue',
			...parameters,
			options: { maxRetries: 2, ...options },
		},
		items,
		credentials: {
			type: 'productBridgeApi',
			data: { apiKey: API_KEY, baseUrl: baseUrl ?? standIn.url },
		},
		onError,
	});
	// Not the key, nor any six characters of it, anywhere n8n keeps the run.
	const kept = JSON.stringify(result.run);
	expect(KEY_PIECES.filter((piece) => kept.includes(piece))).toEqual([]);
	return result;
}

const override = (...overrides: StatusOverride[]) =>
	standIn.configure({ statusOverride: overrides });
const json = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.json);
const host = () => new URL(standIn.url).host;

describe('the key never leaks, even in pieces', () => {
	describe.each([
		['in plain text', (text: string) => text, /^The Base URL does not lead to ProductBridge's API/],
		[
			'in the error envelope',
			(text: string) => ({ detail: { error: text } }),
			/^ProductBridge refused the request \(HTTP 400\)/,
		],
	])('a 400 that echoes the request %s', (_, shape, expected) => {
		it.each([120, 150, 185, 200, 215, 240, 400])('with %i characters before it', async (prefix) => {
			override({
				path: '/users/delete',
				status: 400,
				body: shape(`${'x'.repeat(prefix)} you sent {{request}}`),
				echo: true,
			});
			const result = await run({ items: [{ user_id: GRACE }], onError: 'continueRegularOutput' });

			expect(json(result.outputs[0])[0].error).toMatch(expected);
		});
	});

	it.each([0, 80, 110, 150, 190])(
		'a 200 that echoes the request with %i characters before it',
		async (prefix) => {
			override({
				path: '/users/delete',
				status: 200,
				body: `${'y'.repeat(prefix)}{{request}}`,
				echo: true,
			});
			const result = await run({ items: [{ user_id: GRACE }], onError: 'continueRegularOutput' });

			expect(json(result.outputs[0])[0].error).toMatch(/does not lead to ProductBridge's API/);
		},
	);

	it('a Get whose user object carries the key: dropped from the item', async () => {
		override({
			path: '/users/retrieve',
			status: 200,
			body: `{"user_id":"${ADA.user_id}","email":"ada@example.com","api_key":"{{request}}","bio":"key ${API_KEY}"}`,
			headers: { 'content-type': 'application/json' },
			echo: true,
		});
		const result = await run({ operation: 'get', items: [{ user_id: ADA.user_id }] });

		expect(json(result.outputs[0])[0]).toMatchObject({
			user_id: ADA.user_id,
			bio: 'key [redacted]',
			status: 'found',
		});
		expect(json(result.outputs[0])[0]).not.toHaveProperty('api_key');
	});

	it('a foreign answer whose Content-Type echoes the key', async () => {
		override({
			path: '/users/delete',
			status: 404,
			body: '<html>nope</html>',
			headers: { 'content-type': `text/${API_KEY}` },
		});
		const result = await run({ items: [{ user_id: GRACE }], onError: 'continueRegularOutput' });

		expect(json(result.outputs[0])[0].message).toContain('text/[redacted]');
	});

	describe.each([
		['base64', (text: string) => Buffer.from(text).toString('base64')],
		[
			'percent-encoded',
			(text: string) => [...text].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(''),
		],
	])("a gateway's 200 that echoes the request %s", (_, encode) => {
		// Eight characters of base64 (or three %XX) carry six of the key: at each of the alignments
		// a prefix can give the key, every such run of its encoding.
		const encodedPieces = ['', 'a', 'ab'].flatMap((lead) => {
			const encoded = encode(lead + API_KEY);
			return Array.from({ length: encoded.length - 15 }, (__, i) => encoded.slice(i + 4, i + 12));
		});
		it.each([0, 1, 2, 60, 100])('with %i characters before it', async (prefix) => {
			const request = `${'r'.repeat(prefix)}{"api_key":"${API_KEY}","user_id":"${GRACE}"}`;
			override({
				path: '/users/delete',
				status: 200,
				body: { isBase64Encoded: true, body: encode(request) },
			});
			const result = await run({ items: [{ user_id: GRACE }], onError: 'continueRegularOutput' });
			const shown = JSON.stringify(json(result.outputs[0]));

			expect(encodedPieces.filter((piece) => shown.includes(piece))).toEqual([]);
			expect(json(result.outputs[0])[0].message).toMatch(
				/It answered: application\/json \(\d+ bytes\)/,
			);
		});
	});

	it('a Get whose JSON names __proto__: the item keeps a plain prototype', async () => {
		override({
			path: '/users/retrieve',
			status: 200,
			body: `{"user_id":"${ADA.user_id}","__proto__":{"isAdmin":true,"status":"owned"}}`,
			headers: { 'content-type': 'application/json' },
		});
		const result = await run({ operation: 'get', items: [{ user_id: ADA.user_id }] });
		const item = result.outputs[0][0].json;

		expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
		expect((item as IDataObject).isAdmin).toBeUndefined();
		expect(item.status).toBe('found');
	});

	it('a storm of large error pages keeps only a short summary per item', async () => {
		override({
			path: '/users/delete',
			status: 502,
			body: `<html>${'z'.repeat(16 * 1024)}</html>`,
			times: 100,
		});
		const result = await run({
			items: [{ user_id: GRACE }],
			onError: 'continueRegularOutput',
			options: { maxRetries: 1 },
		});

		expect(JSON.stringify(json(result.outputs[0])[0]).length).toBeLessThan(1500);
	});
});

describe('evidence on every line', () => {
	it("each Delete item's `at` is when its own answer came, the last of its keys", async () => {
		standIn.configure({ latencyMs: 40 });
		const before = Date.now();
		const result = await run({
			items: [{ user_id: GRACE }, { user_id: ADA.user_id }, { user_id: GRACE }],
			options: { concurrency: 1 },
		});
		const after = Date.now();
		const items = json(result.outputs[0]);
		const times = items.map((item) => Date.parse(item.at as string));

		expect(items.map((item) => Object.keys(item).at(-1))).toEqual(['at', 'at', 'at']);
		expect(items.map((item) => item.at)).toEqual(times.map((time) => new Date(time).toISOString()));
		expect(Math.min(...times)).toBeGreaterThanOrEqual(before);
		expect(Math.max(...times)).toBeLessThanOrEqual(after);
		// One request at a time, each answered after 40 ms: the second outcome came later.
		expect(times[1] - times[0]).toBeGreaterThanOrEqual(30);
	});
});

describe('redirects are never followed', () => {
	it.each([301, 302, 303, 307, 308])(
		'HTTP %i to another host sends nothing there',
		async (status) => {
			override({
				path: '/users/delete',
				status,
				body: '',
				headers: { location: `${elsewhere.url}/api/external/v1/users/delete` },
			});
			const result = await run({
				items: [{ user_id: GRACE }, { user_id: ADA.user_id }],
				onError: 'continueErrorOutput',
			});

			expect(result.outputs[0]).toEqual([]);
			expect(json(result.outputs[1]).map((item) => item.error)).toEqual(
				Array(2).fill(
					`The Base URL does not lead to ProductBridge's API: ${host()} answered HTTP ${status}, not in ProductBridge's format`,
				),
			);
			expect(json(result.outputs[1])[0].message).toContain(`a redirect to ${elsewhere.url}`);
			expect(elsewhere.stats().requests).toBe(0);
			expect(standIn.stats().requests).toBe(1);
			expect(standIn.deletedUserIds()).toEqual([]);
		},
	);
});

describe('first contact', () => {
	it('opens to full concurrency once ProductBridge has answered', async () => {
		standIn.reset({ acceptAnyUser: true });
		standIn.configure({ latencyMs: 30 });
		await run({
			items: Array.from({ length: 24 }, (_, i) => ({
				user_id: `33333333-0000-4000-8000-${String(i).padStart(12, '0')}`,
			})),
			options: { concurrency: 8 },
		});

		expect(standIn.stats().maxInFlight).toBe(8);
		expect(standIn.calls[1].at - standIn.calls[0].at).toBeGreaterThanOrEqual(25);
	});
});

describe('retries', () => {
	it.each(['0', '-1', '+5'])('Retry-After: %s does not mean "hammer now"', async (retryAfter) => {
		override({
			path: '/users/delete',
			status: 429,
			body: { detail: { error: 'slow down' } },
			headers: { 'retry-after': retryAfter },
			times: 100,
		});
		const result = await run({
			items: [{ user_id: GRACE }],
			onError: 'continueRegularOutput',
			options: { maxRetries: 0, maxRateLimitWait: 2 },
		});

		// Backoff of 125..250, 250..500, 500..1000, 1000..2000 ms within 2 s: 3 to 5 requests.
		const requests = standIn.stats().requests;
		expect(requests).toBeGreaterThanOrEqual(3);
		expect(requests).toBeLessThanOrEqual(5);
		const gaps = standIn.calls.slice(1).map((call, i) => call.at - standIn.calls[i].at);
		for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(120);
		expect(json(result.outputs[0])[0].error).toBe(
			"ProductBridge kept rate-limiting the requests for longer than 'Max Wait for Rate Limits' allows (2 s)",
		);
	});

	it('gives up on a trickling answer at the deadline, not when the trickle ends', async () => {
		override({
			path: '/users/delete',
			status: 200,
			body: '{"success": true}',
			trickleMs: 400,
			times: 100,
		});
		const started = Date.now();
		const result = await run({
			items: [{ user_id: GRACE }],
			onError: 'continueRegularOutput',
			options: { requestTimeout: 1000, maxRetries: 0 },
		});

		expect(Date.now() - started).toBeLessThan(3000);
		expect(json(result.outputs[0])[0].message).toMatch(
			/ETIMEDOUT: no complete answer within 1000 ms/,
		);
	});

	it('honours Retry-After: after a 429, nobody sends again until the pause has passed', async () => {
		standIn.reset({ acceptAnyUser: true });
		standIn.configure({ rateLimit: { perSecond: 10, burst: 5, retryAfter: 'seconds' } });
		await run({
			items: Array.from({ length: 12 }, (_, i) => ({
				user_id: `7a7e0000-0000-4000-8000-${String(i).padStart(12, '0')}`,
			})),
			options: { maxRetries: 5 },
		});

		const refusals = standIn.calls.filter((call) => call.status === 429);
		expect(refusals.length).toBeGreaterThan(0);
		// A request already on its way when the 429 came back may still arrive just after it.
		for (const refusal of refusals)
			expect(
				standIn.calls.filter((call) => call.at > refusal.at + 500 && call.at < refusal.at + 900),
			).toEqual([]);
		expect(standIn.stats().deletions).toBe(12);
	});
});

describe('pacing', () => {
	const many = (count: number) =>
		Array.from({ length: count }, (_, i) => ({
			user_id: `22222222-0000-4000-8000-${String(i).padStart(12, '0')}`,
		}));

	it('learns the rate the server accepts at the first 429 and spaces its starts to it', async () => {
		standIn.reset({ acceptAnyUser: true });
		standIn.configure({ rateLimit: { perSecond: 20, retryAfter: 'seconds' } });
		const result = await run({ items: many(80), options: { concurrency: 32, maxRetries: 8 } });

		expect(json(result.outputs[0]).every((item) => item.status === 'deleted')).toBe(true);
		// One burst meets the limit: the requests already on their way when the first 429 came back.
		const refusals = standIn.calls.filter((call) => call.status === 429);
		const lastRefusal = refusals[refusals.length - 1].at;
		expect(lastRefusal - refusals[0].at).toBeLessThan(500);
		// From then on requests leave about 1/20 s apart (a little less: the rate measured before the
		// 429 includes the server's burst): the pause ends in a ramp, not a rush of 32.
		const after = standIn.calls.filter((call) => call.at > lastRefusal);
		expect(after[9].at - after[0].at).toBeGreaterThan(300);
	});

	it('stops at once when the key is rejected while requests wait for their paced start', async () => {
		standIn.reset({ acceptAnyUser: true });
		standIn.configure({ rateLimit: { perSecond: 20, retryAfter: 'seconds' } });
		const pending = run({ items: many(200), options: { concurrency: 32, maxRetries: 8 } });
		// Once paced (about 20 starts a second, up to 31 requests booked ahead), the key is revoked.
		for (let i = 0; i < 300 && !standIn.calls.some((call) => call.status === 429); i++)
			await new Promise((resolve) => setTimeout(resolve, 10));
		await new Promise((resolve) => setTimeout(resolve, 1200));
		override({
			path: '/users/delete',
			status: 401,
			body: { detail: 'Invalid API key' },
			times: 1000,
		});
		const result = await pending;
		const ended = Date.now();

		expect(result.status).toBe('error');
		const firstRejection = standIn.calls.find((call) => call.status === 401);
		// Waiting out the booked starts would take about a second and a half more.
		expect(ended - (firstRejection?.at ?? 0)).toBeLessThan(500);
	});

	it('spreads its requests over the round trip instead of sending them in waves', async () => {
		standIn.reset({ acceptAnyUser: true });
		standIn.configure({ latencyMs: 100 });
		await run({ items: many(120), options: { concurrency: 8 } });

		// Past the first round trips, waves of 8 would arrive as 7 gaps of a few ms and one of about
		// a round trip; spread, requests arrive about a round trip ÷ 8 (12.5 ms) after each other.
		const arrivals = standIn.calls.slice(40).map((call) => call.at);
		const gaps = arrivals
			.slice(1)
			.map((at, i) => at - arrivals[i])
			.sort((a, b) => a - b);
		const percentile = (share: number) => gaps[Math.floor(gaps.length * share)];
		expect(percentile(0.5)).toBeGreaterThanOrEqual(6);
		expect(percentile(0.9)).toBeLessThan(60);
	});
});
