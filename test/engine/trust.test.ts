/**
 * Outcomes an auditor can trust, tried as a hostile server and a careless configuration would
 * try them, inside n8n-core's engine against the local stand-in. Each block guards one way a
 * wrong outcome or a leaked key could reach an output item, an error or another host.
 */
import path from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { loadPackage, runNode } from '../support/engine.ts';
import type { EngineRun, LoadedPackage, OnErrorSetting } from '../support/engine.ts';
import { startStandIn } from '../../tools/standin/server.ts';
import type { StandIn, StatusOverride } from '../../tools/standin/server.ts';

const API_KEY = 'pb_trustTest_Q7wErTyUiOpAsDfGhJkLzXcVbNm0123456';
const ADA = {
	user_id: '240f6070-d2d3-4ce1-9461-5188bed8fc1d',
	email: 'ada@example.com',
	name: 'Ada Lovelace',
};
const GRACE = '98471b2d-47ef-4458-b30d-6ebea23bbd20';
const NEVER_LINKED = '5a0b3c9e-1111-4222-8333-944455556666';

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

beforeEach(() => {
	standIn.reset();
	elsewhere.reset();
});

interface Run {
	items: IDataObject[];
	operation?: 'delete' | 'get';
	parameters?: IDataObject;
	options?: IDataObject;
	onError?: OnErrorSetting;
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

	it('a lookup answered with somebody else: nobody is deleted', async () => {
		override({
			path: '/users/retrieve',
			status: 200,
			body: { user_id: GRACE, email: 'grace@example.com' },
			times: 1,
		});
		const result = await run({
			items: [{ email: ADA.email }],
			parameters: { identifyBy: 'email' },
			onError: 'continueRegularOutput',
		});

		expect(json(result.outputs[0])[0].message).toContain('a user other than the one asked for');
		expect(standIn.deletedUserIds()).toEqual([]);
	});

	it('a Dry Run set by an expression that gives no boolean fails the item, deleting nothing', async () => {
		const result = await run({
			items: [{ user_id: GRACE }],
			options: { dryRun: '={{ $json.dry_run }}' },
			onError: 'continueRegularOutput',
		});

		expect(json(result.outputs[0])[0].error).toMatch(/^Options → Dry Run must be true or false/);
		expect(standIn.deletedUserIds()).toEqual([]);
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

describe('a lost answer never becomes a false "deleted"', () => {
	const lostThenNotFound = async (first: StatusOverride | 'reset' | 'timeout', user_id: string) => {
		if (first === 'reset') standIn.configure({ resetRate: 1, resetAfterActing: true });
		else if (first === 'timeout')
			standIn.configure({ slowRate: 1, slowMs: 1500, resetAfterActing: false });
		else override(first);
		const pending = run({ items: [{ user_id }], options: { requestTimeout: 1000, maxRetries: 3 } });
		await waitFor(() => standIn.stats().requests >= 1);
		standIn.configure({ resetRate: 0, slowRate: 0 });
		return await pending;
	};

	it.each([
		[
			'502',
			{
				path: '/users/delete',
				status: 502,
				body: '<html>Bad Gateway</html>',
				times: 1,
			} as StatusOverride,
		],
		[
			'504',
			{
				path: '/users/delete',
				status: 504,
				body: '<html>Gateway Timeout</html>',
				times: 1,
			} as StatusOverride,
		],
		[
			'500',
			{
				path: '/users/delete',
				status: 500,
				body: { detail: { error: 'internal' } },
				times: 1,
			} as StatusOverride,
		],
		['reset', 'reset' as const],
		['timeout', 'timeout' as const],
	])(
		'after a %s, an id that was never linked is deleted_or_not_found, not deleted',
		async (_, first) => {
			const result = await lostThenNotFound(first, NEVER_LINKED);

			expect(json(result.outputs[0])).toEqual([
				{
					user_id: NEVER_LINKED,
					email: null,
					name: null,
					status: 'deleted_or_not_found',
					deleted: null,
					confirmed_on_retry: false,
					note: expect.stringContaining('may or may not have removed them'),
				},
			]);
		},
	);

	it("fails such an item with the same explanation when If User Not Found is 'Fail the Item'", async () => {
		override({ path: '/users/delete', status: 502, body: 'Bad Gateway', times: 1 });
		const result = await run({
			items: [{ user_id: NEVER_LINKED }],
			parameters: { onNotFound: 'error' },
			onError: 'continueErrorOutput',
		});

		expect(result.outputs[0]).toEqual([]);
		expect(json(result.outputs[1])[0]).toMatchObject({
			error: `ProductBridge has no user ${NEVER_LINKED} in this organization now`,
			message: expect.stringContaining('may or may not have removed them'),
		});
	});

	it('after a lookup that found the user, the same lost answer proves our own deletion', async () => {
		// Slow enough to switch the network off between the lookup's answer and the delete.
		standIn.configure({ latencyMs: 150, resetAfterActing: true });
		const pending = run({
			items: [{ email: ADA.email }],
			parameters: { identifyBy: 'email' },
			options: { maxRetries: 3 },
		});
		await waitFor(() => standIn.calls.some((call) => call.path.endsWith('/users/retrieve')));
		standIn.configure({ resetRate: 1 });
		await waitFor(() => standIn.stats().deletions === 1);
		standIn.configure({ resetRate: 0 });
		const result = await pending;

		expect(json(result.outputs[0])).toEqual([
			{ ...ADA, status: 'deleted', deleted: true, confirmed_on_retry: true, note: null },
		]);
	});
});

describe('a Base URL that is not ProductBridge', () => {
	it('a wrong path: a FastAPI 404 without the envelope stops the run after one request', async () => {
		const result = await run({
			items: [{ user_id: GRACE }, { user_id: NEVER_LINKED }, { user_id: ADA.user_id }],
			baseUrl: `${standIn.url}/api/v2`,
			onError: 'continueErrorOutput',
			options: { concurrency: 8 },
		});

		expect(result.outputs[0]).toEqual([]);
		expect(json(result.outputs[1])).toHaveLength(3);
		expect(json(result.outputs[1])[0].error).toBe(
			`The Base URL does not lead to ProductBridge's API: ${host()} answered HTTP 404, not in ProductBridge's format`,
		);
		expect(standIn.stats().requests).toBe(1);
	});

	it("a proxy's HTML 404 is not a 'not found' user", async () => {
		override({
			path: '/users/delete',
			status: 404,
			body: '<html><h1>404 Not Found</h1></html>',
			headers: { 'content-type': 'text/html' },
		});
		const result = await run({
			items: [{ user_id: NEVER_LINKED }],
			onError: 'continueErrorOutput',
		});

		expect(result.outputs[0]).toEqual([]);
		expect(json(result.outputs[1])[0].message).toContain('text/html');
	});

	it('stops the execution by default, naming the host', async () => {
		const result = await run({ items: [{ user_id: GRACE }], baseUrl: `${standIn.url}/wrong` });

		expect(result.status).toBe('error');
		expect(result.error?.message).toContain(`${host()} answered HTTP 404`);
	});

	it.each([
		['a query', (url: string) => `${url}?tenant=1`, 'query'],
		['a fragment', (url: string) => `${url}#api`, 'fragment'],
		[
			'a user and password',
			(url: string) => url.replace('http://', 'http://admin:hunter22@'),
			'user name or password',
		],
		['plain http to a remote host', () => 'http://api.productbridge.io', 'HTTPS only'],
	])('%s: refused before any request, saying what to change', async (_, baseUrl, why) => {
		const result = await run({
			items: [{ user_id: GRACE }, { user_id: ADA.user_id }],
			baseUrl: baseUrl(standIn.url),
			onError: 'continueErrorOutput',
		});

		expect(json(result.outputs[1]).map((item) => item.error)).toEqual(
			Array(2).fill(expect.stringContaining(why)),
		);
		expect(JSON.stringify(result.run)).not.toContain('hunter22');
		expect(standIn.stats().requests).toBe(0);
	});
});

describe('first contact', () => {
	it('a rejected key costs one request, not a wave, at concurrency 8', async () => {
		const result = await runNode(pkg, {
			nodeType: 'productBridge',
			parameters: { resource: 'user', operation: 'delete', options: { concurrency: 8 } },
			items: Array.from({ length: 30 }, () => ({ user_id: GRACE })).map((_, i) => ({
				user_id: `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`,
			})),
			credentials: {
				type: 'productBridgeApi',
				data: { apiKey: 'pb_wrong_0000000000000000000000000000000000', baseUrl: standIn.url },
			},
			onError: 'continueErrorOutput',
		});

		expect(result.outputs[1]).toHaveLength(30);
		expect(standIn.stats().requests).toBe(1);
	});

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
		const started = Date.now();
		const result = await run({
			items: [{ user_id: GRACE }],
			onError: 'continueRegularOutput',
			options: { maxRetries: 3 },
		});

		expect(standIn.stats().requests).toBe(4);
		// Backoff of attempts 1..3: at least 125 + 250 + 500 ms.
		expect(Date.now() - started).toBeGreaterThanOrEqual(875);
		expect(json(result.outputs[0])[0].error).toBe(
			'ProductBridge kept rate-limiting the requests (after 4 attempts)',
		);
	});

	it.each([500, 502, 503, 504])(
		'retries a %i and succeeds when the server recovers',
		async (status) => {
			override({ path: '/users/delete', status, body: 'upstream trouble', times: 2 });
			const result = await run({ items: [{ user_id: GRACE }], options: { maxRetries: 3 } });

			expect(json(result.outputs[0])[0]).toMatchObject({ status: 'deleted', deleted: true });
			expect(standIn.stats().byStatus).toEqual({ [String(status)]: 2, '200': 1 });
		},
	);

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
});

describe('options from expressions are checked', () => {
	it.each([
		['concurrency', '={{ Number("x") }}', 'Concurrency', 'NaN'],
		['concurrency', 0, 'Concurrency', '0'],
		['maxRetries', '={{ "three" }}', 'Max Retries', "'three'"],
		['maxRetries', 2.5, 'Max Retries', '2.5'],
		['requestTimeout', 0, 'Request Timeout (Ms)', '0'],
	])('%s = %p is a clear error, also with Continue', async (option, value, label, shown) => {
		const result = await run({
			items: [{ user_id: GRACE }, { user_id: ADA.user_id }],
			options: { [option]: value },
			onError: 'continueRegularOutput',
		});

		expect(json(result.outputs[0]).map((item) => item.error)).toEqual(
			Array(2).fill(
				expect.stringMatching(
					new RegExp(
						`^Options → ${label.replace(/[()]/g, '\\$&')} must be a whole number from \\d+ to \\d+, not ${shown}$`,
					),
				),
			),
		);
		expect(standIn.stats().requests).toBe(0);
	});
});

describe('a stop keeps the record', () => {
	const hundred = () =>
		Array.from({ length: 100 }, (_, i) => ({
			user_id: `44444444-0000-4000-8000-${String(i).padStart(12, '0')}`,
		}));

	it('an invalid id at item 50 stops the node before anything is deleted', async () => {
		standIn.reset({ acceptAnyUser: true });
		const items = hundred();
		items[50] = { user_id: 'not-an-id' };
		const result = await run({ items });

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe("'not-an-id' is not a valid user ID [item 50]");
		expect(standIn.stats().requests).toBe(0);
	});

	it('a later failure says how many users this run had already removed', async () => {
		standIn.reset({ acceptAnyUser: true });
		await run({ items: [{ user_id: GRACE }] });
		const before = standIn.stats().requests;
		const items = hundred();
		items[49] = { user_id: GRACE };
		const result = await run({
			items,
			options: { concurrency: 1 },
			parameters: { onNotFound: 'error' },
		});

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			`ProductBridge has no user ${GRACE} in this organization (this run had already removed 49 users)`,
		);
		expect(result.error?.description).toContain(
			'Removed by this run before it stopped, and still removed: 44444444-0000-4000-8000-000000000000',
		);
		expect(standIn.stats().requests - before).toBe(50);
	});
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}
