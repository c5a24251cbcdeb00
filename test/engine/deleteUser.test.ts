/**
 * User → Delete inside n8n-core's own engine (WorkflowExecute, the package loaded from dist by
 * PackageDirectoryLoader), against the real local ProductBridge stand-in. n8n decides routing,
 * pairing and failure; these tests check what a workflow author sees.
 */
import path from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { loadPackage, runNode } from '../support/engine.ts';
import { deleteItem } from '../support/outputs.ts';
import type { EngineRun, LoadedPackage, OnErrorSetting } from '../support/engine.ts';
import { startStandIn } from '../standin/server.ts';
import type { StandIn } from '../standin/server.ts';

const API_KEY = 'pb_engineTest_k3y_AbCdEfGhIjKlMnOpQrStUvWxYz0123';
const ADA = '240f6070-d2d3-4ce1-9461-5188bed8fc1d';
const GRACE = '98471b2d-47ef-4458-b30d-6ebea23bbd20';
const ALAN = '9ef2d1a0-3fd0-4287-bd7f-1d877e021532';
const STRANGER = '5a0b3c9e-1111-4222-8333-944455556666';

let pkg: LoadedPackage;
let standIn: StandIn;

beforeAll(async () => {
	pkg = await loadPackage(path.join(__dirname, '..', '..'));
	standIn = await startStandIn({
		apiKey: API_KEY,
		users: [ADA, GRACE, ALAN].map((user_id) => ({ user_id })),
		seed: 7,
	});
});

afterAll(async () => await standIn.close());

beforeEach(() => standIn.reset());

interface DeleteRun {
	items: IDataObject[];
	onNotFound?: 'continue' | 'error';
	onError?: OnErrorSetting;
	options?: IDataObject;
	apiKey?: string;
	baseUrl?: string;
}

async function runDelete(run: DeleteRun): Promise<EngineRun> {
	const result = await runNode(pkg, {
		nodeType: 'productBridge',
		parameters: {
			resource: 'user',
			operation: 'delete',
			onNotFound: run.onNotFound ?? 'continue',
			options: { maxRetries: 2, ...run.options },
		},
		items: run.items,
		credentials: {
			type: 'productBridgeApi',
			data: { apiKey: run.apiKey ?? API_KEY, baseUrl: run.baseUrl ?? standIn.url },
		},
		onError: run.onError,
	});
	// Whatever happened, the key must not be anywhere in what n8n keeps of the run.
	expect(JSON.stringify(result.run)).not.toContain(run.apiKey ?? API_KEY);
	return result;
}

const deletedItem = (user_id: string) => deleteItem({ user_id, status: 'deleted' });
const notFoundItem = (user_id: string) => deleteItem({ user_id, status: 'not_found' });

const host = () => new URL(standIn.url).host;
const json = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.json);
const pairing = (items: INodeExecutionData[] | undefined) =>
	(items ?? []).map((item) => item.pairedItem);

describe('deleting users', () => {
	it('removes each user and reports it deleted, paired with its input', async () => {
		const run = await runDelete({ items: [{ user_id: ADA }, { user_id: GRACE }] });

		expect(run.status).toBe('success');
		expect(json(run.outputs[0])).toEqual([
			deletedItem(ADA),
			deletedItem(GRACE),
		]);
		expect(pairing(run.outputs[0])).toEqual([{ item: 0 }, { item: 1 }]);
		expect(standIn.deletedUserIds().sort()).toEqual([ADA, GRACE].sort());
	});

	it('sends the key only as the api_key body field, injected by the credential', async () => {
		await runDelete({ items: [{ user_id: ADA }] });

		expect(standIn.calls.map((call) => call.keyLocations)).toEqual([['body']]);
	});

	it('accepts the id in any case, with or without hyphens, and trims it', async () => {
		const run = await runDelete({
			items: [{ user_id: `  ${ADA.toUpperCase()} ` }, { user_id: GRACE.replace(/-/g, '') }],
		});

		expect(json(run.outputs[0])).toEqual([
			deletedItem(ADA.toUpperCase()),
			deletedItem(GRACE.replace(/-/g, '')),
		]);
	});

	it('sends a user listed twice once, and gives both items the outcome', async () => {
		const run = await runDelete({
			items: [{ user_id: ADA }, { user_id: ADA.toUpperCase() }, { user_id: ADA }],
		});

		expect(json(run.outputs[0]).map((item) => item.status)).toEqual(['deleted', 'deleted', 'deleted']);
		expect(standIn.stats().byPath).toEqual({ '/api/external/v1/users/delete': 1 });
	});

	it('reads the id from another field when the User ID expression says so', async () => {
		const result = await runNode(pkg, {
			nodeType: 'productBridge',
			parameters: { resource: 'user', operation: 'delete', userId: '={{ $json.person.pbId }}' },
			items: [{ person: { pbId: ALAN } }],
			credentials: { type: 'productBridgeApi', data: { apiKey: API_KEY, baseUrl: standIn.url } },
		});

		expect(json(result.outputs[0])).toEqual([deletedItem(ALAN)]);
	});

	it('tolerates a base URL typed with the API path and a trailing slash', async () => {
		const run = await runDelete({ items: [{ user_id: ADA }], baseUrl: `${standIn.url}/api/external/v1/` });

		expect(json(run.outputs[0])).toEqual([deletedItem(ADA)]);
	});
});

describe('a user that is not linked to the organization (404)', () => {
	it("continues with status 'not_found' and no error key when set to continue", async () => {
		const run = await runDelete({ items: [{ user_id: STRANGER }] });

		expect(run.status).toBe('success');
		expect(run.outputs[0]).toEqual([
			{ json: notFoundItem(STRANGER), pairedItem: { item: 0 } },
		]);
	});

	it('reports a second delete of the same user as not found', async () => {
		await runDelete({ items: [{ user_id: ADA }] });
		const second = await runDelete({ items: [{ user_id: ADA }] });

		expect(json(second.outputs[0])).toEqual([notFoundItem(ADA)]);
	});

	it('goes to the error output with its input fields when set to fail and On Error routes errors', async () => {
		const run = await runDelete({
			items: [{ user_id: ADA, email: 'ada@example.com' }, { user_id: STRANGER, email: 'who@example.com' }],
			onNotFound: 'error',
			onError: 'continueErrorOutput',
		});

		expect(json(run.outputs[0])).toEqual([deletedItem(ADA)]);
		expect(run.outputs[1]).toHaveLength(1);
		expect(run.outputs[1][0].pairedItem).toEqual({ item: 1 });
		expect(run.outputs[1][0].json).toMatchObject({
			user_id: STRANGER,
			email: 'who@example.com',
			error: `ProductBridge has no user ${STRANGER} in this organization`,
		});
		expect(run.outputs[1][0].json.message).toContain('already removed');
	});

	it('stays on the main output as an error item with Continue (regular output)', async () => {
		const run = await runDelete({
			items: [{ user_id: STRANGER }],
			onNotFound: 'error',
			onError: 'continueRegularOutput',
		});

		expect(run.outputs[0]).toHaveLength(1);
		expect(run.outputs[0][0].json.error).toBe(
			`ProductBridge has no user ${STRANGER} in this organization`,
		);
		expect(run.outputs[0][0].pairedItem).toEqual({ item: 0 });
	});

	it('fails the execution with a not-found message by default', async () => {
		const run = await runDelete({ items: [{ user_id: STRANGER }], onNotFound: 'error' });

		expect(run.status).toBe('error');
		expect(run.error?.message).toBe(`ProductBridge has no user ${STRANGER} in this organization`);
		expect(run.error?.name).toBe('NodeApiError');
	});
});

describe('ids that cannot be a ProductBridge user', () => {
	it('fails each such item before any request, naming the item and showing the value', async () => {
		const run = await runDelete({
			items: [{ user_id: 'bb3c3ef8-b8cd-cd15-01ba-useruser0001' }, {}, { user_id: 42 }, { user_id: ADA }],
			onError: 'continueErrorOutput',
		});

		expect(json(run.outputs[1]).map((item) => item.error)).toEqual([
			"'bb3c3ef8-b8cd-cd15-01ba-useruser0001' is not a valid user ID [item 0]",
			'No user ID [item 1]',
			'The user ID must be text, got number 42 [item 2]',
		]);
		expect(pairing(run.outputs[1])).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(json(run.outputs[0])).toEqual([deletedItem(ADA)]);
		expect(standIn.calls.map((call) => call.userId)).toEqual([ADA]);
	});

	it('stops the execution on the first invalid id by default', async () => {
		const run = await runDelete({ items: [{ user_id: 'nope' }] });

		expect(run.status).toBe('error');
		expect(run.error).toMatchObject({ name: 'NodeOperationError', message: "'nope' is not a valid user ID [item 0]" });
		expect(standIn.stats().requests).toBe(0);
	});
});

describe('a rejected API key (401)', () => {
	const WRONG_KEY = 'pb_wrong_key_0000000000000000000000000000000000';

	it('fails every item with the same clear error after a single request', async () => {
		const run = await runDelete({
			items: [ADA, GRACE, ALAN, STRANGER].map((user_id) => ({ user_id })),
			apiKey: WRONG_KEY,
			onError: 'continueErrorOutput',
			options: { concurrency: 1 },
		});

		expect(run.outputs[0]).toEqual([]);
		expect(json(run.outputs[1]).map((item) => item.error)).toEqual(
			Array(4).fill('ProductBridge rejected the API key'),
		);
		expect(run.outputs[1][0].json.message).toContain("'ProductBridge API' credential");
		expect(standIn.stats().requests).toBe(1);
		expect(standIn.deletedUserIds()).toEqual([]);
	});

	it('costs a single request at higher concurrency too: the first request goes alone', async () => {
		await runDelete({
			items: Array.from({ length: 40 }, () => ({ user_id: STRANGER })).map((_, i) => ({
				user_id: `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`,
			})),
			apiKey: WRONG_KEY,
			onError: 'continueRegularOutput',
			options: { concurrency: 4 },
		});

		expect(standIn.stats().requests).toBe(1);
	});

	it('stops the execution by default with the credential hint', async () => {
		const run = await runDelete({ items: [{ user_id: ADA }], apiKey: WRONG_KEY });

		expect(run.status).toBe('error');
		expect(run.error?.message).toBe('ProductBridge rejected the API key');
		expect(run.error?.description).toContain('No further requests were sent');
	});
});

describe('answers the node cannot turn into a result', () => {
	const override = (status: number, body: unknown, times = 1) =>
		standIn.configure({ statusOverride: [{ path: '/users/delete', status, body, times }] });

	it('lists the fields of a 422 in plain words and never shows the echoed key', async () => {
		override(422, {
			detail: [
				{ type: 'uuid_parsing', loc: ['body', 'user_id'], msg: 'Input should be a valid UUID', input: 'x' },
				{ type: 'missing', loc: ['body', 'reason'], msg: 'Field required', input: { api_key: API_KEY } },
			],
		});
		const run = await runDelete({ items: [{ user_id: ADA }], onError: 'continueRegularOutput' });

		expect(run.outputs[0][0].json).toEqual({
			error: 'ProductBridge rejected the request as invalid',
			message: 'user_id: Input should be a valid UUID; reason: Field required',
		});
	});

	it('passes on the reason of a 400', async () => {
		override(400, { detail: { error: 'user is the organization owner' } });
		const run = await runDelete({ items: [{ user_id: ADA }], onError: 'continueRegularOutput' });

		expect(run.outputs[0][0].json.error).toBe(
			'ProductBridge refused the request (HTTP 400): user is the organization owner',
		);
	});

	it('retries a 500, which ProductBridge documents as a fault to retry, and says the outcome is unknown', async () => {
		override(500, { detail: { error: 'internal error' } }, 10);
		const run = await runDelete({
			items: [{ user_id: ADA }],
			onError: 'continueRegularOutput',
			options: { maxRetries: 1 },
		});

		expect(run.outputs[0][0].json.error).toBe(
			'ProductBridge failed with a server error (HTTP 500) (after 2 attempts); the outcome is unknown',
		);
		expect(run.outputs[0][0].json.message).toMatch(/^An earlier try may have reached ProductBridge/);
		expect(standIn.stats().requests).toBe(2);
	});

	it('treats a 200 without {"success": true} as a configuration fault, never a silent success', async () => {
		override(200, { ok: true });
		const run = await runDelete({ items: [{ user_id: ADA }], onError: 'continueErrorOutput' });

		expect(run.outputs[0]).toEqual([]);
		expect(run.outputs[1][0].json.error).toBe(
			`The Base URL does not lead to ProductBridge's API: ${host()} answered HTTP 200, not in ProductBridge's format`,
		);
		expect(run.outputs[1][0].json.message).toContain('{"ok":true}');
		expect(run.outputs[1][0].json.message).toMatch(/^An earlier try may have reached ProductBridge|may already have been carried out/);
	});

	it('retries a 503 and succeeds when the service comes back', async () => {
		override(503, { detail: { error: 'service unavailable' } }, 2);
		const run = await runDelete({ items: [{ user_id: ADA }] });

		expect(json(run.outputs[0])).toEqual([deletedItem(ADA)]);
		expect(standIn.stats().byStatus).toEqual({ '503': 2, '200': 1 });
	});

	it('gives up on a 503 after Max Retries and says how often it tried', async () => {
		override(503, { detail: { error: 'service unavailable' } }, 10);
		const run = await runDelete({
			items: [{ user_id: ADA }],
			onError: 'continueRegularOutput',
			options: { maxRetries: 1 },
		});

		expect(run.outputs[0][0].json.error).toBe(
			'ProductBridge failed with a server error (HTTP 503) (after 2 attempts)',
		);
		expect(standIn.stats().requests).toBe(2);
	});

	it('says it could not reach ProductBridge when nothing listens', async () => {
		const run = await runDelete({
			items: [{ user_id: ADA }],
			baseUrl: 'http://127.0.0.1:9',
			onError: 'continueRegularOutput',
			options: { maxRetries: 0 },
		});

		expect(run.outputs[0][0].json.error).toBe('Could not reach ProductBridge at 127.0.0.1:9');
		expect(run.outputs[0][0].json.message).toContain('ECONNREFUSED');
	});
});

describe('a mixed batch', () => {
	it('keeps every outcome in input order, each paired with its own input item', async () => {
		const kinds = ['linked', 'stranger', 'invalid', 'duplicate'] as const;
		const linked = Array.from({ length: 15 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
		standIn.seedUsers(linked.map((user_id) => ({ user_id })));
		const items = Array.from({ length: 60 }, (_, i) => {
			const kind = kinds[i % 4];
			const user_id =
				kind === 'linked' ? linked[Math.floor(i / 4)]
				: kind === 'stranger' ? `11111111-0000-4000-8000-${String(i).padStart(12, '0')}`
				: kind === 'invalid' ? `not-a-uuid-${i}`
				: linked[Math.floor(i / 4)];
			return { user_id, row: i, kind };
		});

		const run = await runDelete({ items, onError: 'continueErrorOutput', options: { concurrency: 8 } });

		const expectedStatus = { linked: 'deleted', stranger: 'not_found', duplicate: 'deleted' } as const;
		const succeeded = items.filter((item) => item.kind !== 'invalid');
		expect(json(run.outputs[0])).toEqual(
			succeeded.map((item) => deleteItem({ user_id: item.user_id, status: expectedStatus[item.kind as keyof typeof expectedStatus] })),
		);
		expect(pairing(run.outputs[0])).toEqual(succeeded.map((item) => ({ item: item.row })));
		expect(json(run.outputs[1]).map((item) => item.row)).toEqual(
			items.filter((item) => item.kind === 'invalid').map((item) => item.row),
		);
		expect(standIn.deletedUserIds()).toHaveLength(15);
		expect(standIn.stats().maxInFlight).toBeLessThanOrEqual(8);
	});
});

const many = (count: number) =>
	Array.from({ length: count }, (_, i) => ({
		user_id: `22222222-0000-4000-8000-${String(i).padStart(12, '0')}`,
	}));

describe('keeping n8n busy while answers travel', () => {
	it('spreads its requests over the round trip instead of sending them in waves', async () => {
		standIn.reset({ acceptAnyUser: true });
		standIn.configure({ latencyMs: 20 });
		await runDelete({ items: many(120), options: { concurrency: 8 } });

		// Past the first round trips, waves of 8 would arrive as 7 gaps of about 0 ms for each gap
		// of a round trip; spread, most requests arrive a round trip ÷ 8 after the one before.
		const arrivals = standIn.calls.slice(40).map((call) => call.at);
		const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]);
		const median = gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
		expect(median).toBeGreaterThanOrEqual(1);
	});
});

describe('riding a rate limit and flaky connections', () => {

	it.each(['seconds', 'http-date', 'none'] as const)(
		'loses no item to 429s with Retry-After as %s',
		async (retryAfter) => {
			standIn.reset({ acceptAnyUser: true });
			standIn.configure({ rateLimit: { perSecond: 10, burst: 2, retryAfter } });
			const run = await runDelete({ items: many(12), options: { concurrency: 8, maxRetries: 8 } });

			expect(run.status).toBe('success');
			expect(json(run.outputs[0]).every((item) => item.status === 'deleted')).toBe(true);
			expect(standIn.stats().byStatus['429']).toBeGreaterThan(0);
			expect(standIn.stats().deletions).toBe(12);
		},
	);

	it('holds every worker back while the server asks for a pause', async () => {
		standIn.reset({ acceptAnyUser: true });
		standIn.configure({ rateLimit: { perSecond: 2, burst: 2, retryAfter: 'seconds' } });
		await runDelete({ items: many(6), options: { concurrency: 6, maxRetries: 6 } });

		// After the first 429 (at most one per worker in flight), nobody knocks until Retry-After
		// has passed: the 429s cluster at the start of each pause instead of hammering the server.
		const rejected = standIn.calls.filter((call) => call.status === 429);
		expect(rejected.length).toBeLessThanOrEqual(12);
		expect(standIn.stats().deletions).toBe(6);
	});

	it('learns the rate the server accepts at the first 429 and spaces its starts to it', async () => {
		standIn.reset({ acceptAnyUser: true });
		standIn.configure({ rateLimit: { perSecond: 20, retryAfter: 'seconds' } });
		const run = await runDelete({ items: many(80), options: { concurrency: 32, maxRetries: 8 } });

		expect(json(run.outputs[0]).every((item) => item.status === 'deleted')).toBe(true);
		// One burst meets the limit: the requests already on their way when the first 429 came back.
		const refusals = standIn.calls.filter((call) => call.status === 429);
		const lastRefusal = refusals[refusals.length - 1].at;
		expect(lastRefusal - refusals[0].at).toBeLessThan(500);
		// From then on requests leave about 1/20 s apart: the pause ends in a ramp, not a rush.
		const after = standIn.calls.filter((call) => call.at > lastRefusal);
		expect(after[9].at - after[0].at).toBeGreaterThan(400);
	});

	it('does not claim a deletion it cannot know about when the first answer was lost', async () => {
		standIn.configure({ resetRate: 1, resetAfterActing: true });
		const pending = runDelete({ items: [{ user_id: ADA }], options: { maxRetries: 3 } });
		// The first try removes Ada but the connection drops; heal the network for the retry.
		await waitFor(() => standIn.stats().deletions === 1);
		standIn.configure({ resetRate: 0 });
		const run = await pending;

		// Nothing looked Ada up first, so "not found" on the retry cannot tell "we removed her" from
		// "she was never linked".
		expect(json(run.outputs[0])).toEqual([
			deleteItem({ user_id: ADA, status: 'deleted_or_not_found', note: expect.stringContaining('may or may not have removed them') }),
		]);
	});

	it('says the outcome is unknown when every answer after a try that acted was lost', async () => {
		standIn.configure({ resetRate: 1, resetAfterActing: true });
		const run = await runDelete({
			items: [{ user_id: ALAN }],
			onError: 'continueErrorOutput',
			options: { maxRetries: 1 },
		});

		expect(standIn.deletedUserIds()).toEqual([ALAN]);
		expect(run.outputs[0]).toEqual([]);
		expect(run.outputs[1][0].json.error).toBe(
			`Could not reach ProductBridge at ${host()} (after 2 attempts); the outcome is unknown`,
		);
		expect(run.outputs[1][0].json.message).toMatch(
			/^An earlier try may have reached ProductBridge .* check in ProductBridge before running this item again\. ECONNRESET/,
		);
	});
});

describe('an answer that comes too late', () => {
	it('times out, retries, and reports the outcome as ambiguous when the late try may have removed the user', async () => {
		standIn.configure({ slowRate: 1, slowMs: 3000 });
		const pending = runDelete({ items: [{ user_id: GRACE }], options: { requestTimeout: 1000, maxRetries: 2 } });
		await waitFor(() => standIn.stats().deletions === 1);
		standIn.configure({ slowRate: 0 });
		const run = await pending;

		expect(json(run.outputs[0])).toEqual([
			deleteItem({
				user_id: GRACE,
				status: 'deleted_or_not_found',
				note: expect.stringContaining('answer to the first delete request was lost'),
			}),
		]);
		expect(standIn.stats().requests).toBe(2);
	});

	it('fails the item once every try has timed out', async () => {
		standIn.configure({ slowRate: 1, slowMs: 2500 });
		const run = await runDelete({
			items: [{ user_id: ALAN }],
			onError: 'continueRegularOutput',
			options: { requestTimeout: 1000, maxRetries: 1 },
		});

		expect(run.outputs[0][0].json.error).toBe(
			`Could not reach ProductBridge at ${host()} (after 2 attempts); the outcome is unknown`,
		);
		// A timed-out try may still have been carried out: the message says so before the cause.
		expect(run.outputs[0][0].json.message).toMatch(/^An earlier try may have reached ProductBridge .* (ECONNABORTED|ETIMEDOUT)/);
	});
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

describe('reading the User ID', () => {
	// `{{ $json.user_id }}` is read from the item without n8n's expression engine; any other
	// expression goes through it. Both must see the same value, whatever the item holds.
	it.each([
		['a UUID', ADA],
		['a padded UUID', `  ${GRACE}  `],
		['a number', 42],
		['an object', { id: ADA }],
		['nothing', undefined],
		['an empty string', ''],
	])('gives the same outcome through the shortcut and the engine for %s', async (_, value) => {
		const outcomes: unknown[] = [];
		for (const userId of ['={{ $json.user_id }}', '={{ $json["user_id"] }}']) {
			standIn.reset();
			const result = await runNode(pkg, {
				nodeType: 'productBridge',
				parameters: { resource: 'user', operation: 'delete', userId },
				items: [value === undefined ? {} : { user_id: value }],
				credentials: { type: 'productBridgeApi', data: { apiKey: API_KEY, baseUrl: standIn.url } },
				onError: 'continueRegularOutput',
			});
			outcomes.push(json(result.outputs[0]));
		}
		expect(outcomes[0]).toEqual(outcomes[1]);
	});
});
