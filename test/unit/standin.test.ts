/**
 * The ProductBridge stand-in must answer exactly as the real API documents (and as FastAPI shapes
 * its errors), and misbehave only when told to. Every test talks to a real server over HTTP.
 */
import { TokenBucket } from '../../tools/standin/faults.ts';
import { DEMO_API_KEY, DEMO_USERS, parseUuid, startStandIn } from '../../tools/standin/server.ts';
import type { SeedUser, StandIn, StandInOptions } from '../../tools/standin/server.ts';

const ADA: SeedUser = {
	user_id: '240f6070-d2d3-4ce1-9461-5188bed8fc1d',
	email: 'ada.lovelace@example.com',
	name: 'Ada Lovelace',
	customer_status: 'paying',
};
const GRACE: SeedUser = {
	user_id: '98471b2d-47ef-4458-b30d-6ebea23bbd20',
	email: 'grace.hopper@example.com',
};
const STRANGER_ID = '7d0c4a0e-5b1f-4f53-9b7e-2f0a6c1d9e88';
const DOC_EXAMPLE_ID = 'bb3c3ef8-b8cd-cd15-01ba-useruser0001';

interface Answer {
	status: number;
	body: unknown;
	headers: Headers;
}

const started: StandIn[] = [];

async function standInWith(options: StandInOptions = {}): Promise<StandIn> {
	const standIn = await startStandIn({ users: [ADA, GRACE], ...options });
	started.push(standIn);
	return standIn;
}

async function post(
	standIn: StandIn,
	path: string,
	body: unknown,
	init: { headers?: Record<string, string>; query?: string; signal?: AbortSignal } = {},
): Promise<Answer> {
	const response = await fetch(`${standIn.apiBaseUrl}${path}${init.query ?? ''}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...init.headers },
		body: typeof body === 'string' ? body : JSON.stringify(body),
		signal: init.signal,
	});
	const text = await response.text();
	return {
		status: response.status,
		body: text === '' ? undefined : JSON.parse(text),
		headers: response.headers,
	};
}

const withKey = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({
	api_key: DEMO_API_KEY,
	...fields,
});

afterAll(async () => {
	await Promise.all(started.map((standIn) => standIn.close()));
});

describe('the stand-in as a server', () => {
	it('listens on 127.0.0.1 and an ephemeral port', async () => {
		const standIn = await standInWith();
		expect(standIn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(standIn.port).toBeGreaterThan(0);
		expect(standIn.apiBaseUrl).toBe(`${standIn.url}/api/external/v1`);
	});

	it('refuses to bind anywhere but loopback', async () => {
		await expect(startStandIn({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
	});

	it('has a demo key shaped like a real one and demo users with real UUIDs', () => {
		expect(DEMO_API_KEY).toMatch(/^pb_[A-Za-z0-9_-]{43}$/);
		expect(DEMO_USERS.length).toBeGreaterThanOrEqual(3);
		for (const user of DEMO_USERS)
			expect(parseUuid(user.user_id ?? '')).toEqual({ ok: true, uuid: user.user_id });
	});
});

describe('the documented contract', () => {
	let standIn: StandIn;
	beforeAll(async () => {
		standIn = await standInWith();
	});
	beforeEach(() => standIn.reset());

	describe('POST /ping', () => {
		it('answers the organization for a valid key', async () => {
			const answer = await post(standIn, '/ping', withKey());
			expect(answer.status).toBe(200);
			expect(answer.body).toEqual({
				organization_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
				organization_slug: 'acme',
				timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			});
		});

		it.each([
			['an unknown key', { api_key: 'pb_wrong' }],
			['no key', {}],
		])('answers 401 invalid api_key for %s', async (_case, body) => {
			const answer = await post(standIn, '/ping', body);
			expect(answer).toMatchObject({ status: 401, body: { detail: { error: 'invalid api_key' } } });
		});
	});

	describe('POST /users/delete', () => {
		it('unlinks a linked user, and a second delete of the same user is 404', async () => {
			expect(await post(standIn, '/users/delete', withKey({ user_id: ADA.user_id }))).toMatchObject(
				{
					status: 200,
					body: { success: true },
				},
			);
			expect(await post(standIn, '/users/delete', withKey({ user_id: ADA.user_id }))).toMatchObject(
				{
					status: 404,
					body: { detail: { error: 'user not found' } },
				},
			);
			expect(standIn.deletedUserIds()).toEqual([ADA.user_id]);
			expect(standIn.stats().deletions).toBe(1);
		});

		it('answers 404 for a user that was never linked', async () => {
			const answer = await post(standIn, '/users/delete', withKey({ user_id: STRANGER_ID }));
			expect(answer).toMatchObject({ status: 404, body: { detail: { error: 'user not found' } } });
		});

		it('answers 401 for a bad key and deletes nothing', async () => {
			const answer = await post(standIn, '/users/delete', {
				api_key: 'pb_wrong',
				user_id: ADA.user_id,
			});
			expect(answer).toMatchObject({ status: 401, body: { detail: { error: 'invalid api_key' } } });
			expect(standIn.deletedUserIds()).toEqual([]);
		});

		it('answers a FastAPI 422 list for a missing user_id, echoing the whole body, api_key included', async () => {
			const answer = await post(standIn, '/users/delete', withKey({ note: 'x' }));
			expect(answer).toEqual({
				status: 422,
				headers: expect.anything(),
				body: {
					detail: [
						{
							type: 'missing',
							loc: ['body', 'user_id'],
							msg: 'Field required',
							input: withKey({ note: 'x' }),
						},
					],
				},
			});
		});

		it("answers uuid_parsing for the documentation's own placeholder id", async () => {
			const answer = await post(standIn, '/users/delete', withKey({ user_id: DOC_EXAMPLE_ID }));
			const error =
				'invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `u` at 25';
			expect(answer.status).toBe(422);
			expect(answer.body).toEqual({
				detail: [
					{
						type: 'uuid_parsing',
						loc: ['body', 'user_id'],
						msg: `Input should be a valid UUID, ${error}`,
						input: DOC_EXAMPLE_ID,
						ctx: { error },
					},
				],
			});
		});

		it('validates the body before it checks the key, as FastAPI does', async () => {
			const answer = await post(standIn, '/users/delete', { api_key: 'pb_wrong', user_id: 'nope' });
			expect(answer.status).toBe(422);
		});

		it('accepts any 32 hex digits in any case, with or without hyphens', async () => {
			const shouted = (ADA.user_id ?? '').replaceAll('-', '').toUpperCase();
			expect((await post(standIn, '/users/delete', withKey({ user_id: shouted }))).status).toBe(
				200,
			);
			expect(standIn.deletedUserIds()).toEqual([ADA.user_id]);
			expect(standIn.calls[0].userId).toBe(shouted);
		});
	});

	describe('POST /users/retrieve', () => {
		it('finds a user by user_id and answers the documented user object', async () => {
			const answer = await post(standIn, '/users/retrieve', withKey({ user_id: ADA.user_id }));
			expect(answer.status).toBe(200);
			expect(answer.body).toEqual({
				id: expect.stringMatching(
					/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
				),
				user_id: ADA.user_id,
				email: ADA.email,
				name: 'Ada Lovelace',
				avatar_url: null,
				portal_role: 'end_user',
				company_name: null,
				customer_status: 'paying',
				created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			});
		});

		it('finds a user by exact email, and only by exact email', async () => {
			const found = await post(standIn, '/users/retrieve', withKey({ email: GRACE.email }));
			expect(found).toMatchObject({
				status: 200,
				body: { user_id: GRACE.user_id, name: 'Grace Hopper' },
			});
			const shouted = await post(
				standIn,
				'/users/retrieve',
				withKey({ email: GRACE.email?.toUpperCase() }),
			);
			expect(shouted).toMatchObject({ status: 404, body: { detail: { error: 'user not found' } } });
		});

		it.each([
			['both user_id and email', { user_id: ADA.user_id, email: ADA.email }],
			['neither user_id nor email', {}],
		])('answers 422 for %s', async (_case, fields) => {
			const answer = await post(standIn, '/users/retrieve', withKey(fields));
			expect(answer.status).toBe(422);
			expect(answer.body).toEqual({
				detail: [
					expect.objectContaining({ type: 'value_error', loc: ['body'], input: withKey(fields) }),
				],
			});
		});

		it('no longer finds a deleted user, by id or by email', async () => {
			await post(standIn, '/users/delete', withKey({ user_id: ADA.user_id }));
			expect(
				(await post(standIn, '/users/retrieve', withKey({ user_id: ADA.user_id }))).status,
			).toBe(404);
			expect((await post(standIn, '/users/retrieve', withKey({ email: ADA.email }))).status).toBe(
				404,
			);
		});
	});

	describe('transport, FastAPI style', () => {
		it('answers 404 Not Found for an unknown path', async () => {
			expect(await post(standIn, '/users/list', withKey())).toMatchObject({
				status: 404,
				body: { detail: 'Not Found' },
			});
		});

		it('answers 405 for anything but POST', async () => {
			const response = await fetch(`${standIn.apiBaseUrl}/ping`);
			expect(response.status).toBe(405);
			expect(await response.json()).toEqual({ detail: 'Method Not Allowed' });
		});

		it('answers 422 json_invalid for a body that is not JSON', async () => {
			const answer = await post(standIn, '/ping', '{"api_key": ');
			expect(answer.body).toEqual({
				detail: [
					{
						type: 'json_invalid',
						loc: ['body', 12],
						msg: 'JSON decode error',
						input: {},
						ctx: { error: expect.any(String) },
					},
				],
			});
		});

		it('answers 422 when the body is sent as anything but JSON', async () => {
			const answer = await post(standIn, '/ping', JSON.stringify(withKey()), {
				headers: { 'content-type': 'text/plain' },
			});
			expect(answer.status).toBe(422);
			expect(answer.body).toMatchObject({
				detail: [{ type: 'model_attributes_type', loc: ['body'] }],
			});
		});

		it('answers 422 missing body for an empty request', async () => {
			const answer = await post(standIn, '/ping', '');
			expect(answer.body).toEqual({
				detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }],
			});
		});
	});
});

describe('users', () => {
	it('with acceptAnyUser, treats any valid UUID as linked until deleted, but not unknown emails', async () => {
		const standIn = await standInWith({ users: [], acceptAnyUser: true });
		expect((await post(standIn, '/users/retrieve', withKey({ user_id: STRANGER_ID }))).status).toBe(
			200,
		);
		expect((await post(standIn, '/users/delete', withKey({ user_id: STRANGER_ID }))).status).toBe(
			200,
		);
		expect((await post(standIn, '/users/delete', withKey({ user_id: STRANGER_ID }))).status).toBe(
			404,
		);
		expect(
			(await post(standIn, '/users/retrieve', withKey({ email: 'who@example.com' }))).status,
		).toBe(404);
	});

	it('fills in missing seed fields the same way every time', async () => {
		const first = await standInWith({ users: [{ email: 'sam.smith@example.com' }] });
		const second = await standInWith({ users: [{ email: 'sam.smith@example.com' }] });
		const a = await post(first, '/users/retrieve', withKey({ email: 'sam.smith@example.com' }));
		const b = await post(second, '/users/retrieve', withKey({ email: 'sam.smith@example.com' }));
		expect(a.body).toEqual(b.body);
		expect(a.body).toMatchObject({ name: 'Sam Smith', portal_role: 'end_user' });
	});
});

describe('fault injection', () => {
	let standIn: StandIn;
	beforeAll(async () => {
		standIn = await standInWith();
	});
	beforeEach(() => standIn.reset());

	it('answers 429 once the bucket is empty, with Retry-After in whole seconds', async () => {
		standIn.configure({ rateLimit: { perSecond: 1, burst: 2, retryAfter: 'seconds' } });
		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push(await post(standIn, '/ping', withKey()));
		expect(statuses.map((answer) => answer.status)).toEqual([200, 200, 429]);
		expect(statuses[2].body).toEqual({ detail: { error: 'rate limit exceeded' } });
		expect(statuses[2].headers.get('retry-after')).toBe('1');
	});

	it('can send Retry-After as an HTTP date, or not at all', async () => {
		standIn.configure({ rateLimit: { perSecond: 1, burst: 1, retryAfter: 'http-date' } });
		await post(standIn, '/ping', withKey());
		const dated = (await post(standIn, '/ping', withKey())).headers.get('retry-after') ?? '';
		const untilMs = Date.parse(dated) - Date.now();
		expect(untilMs).toBeGreaterThan(0);
		expect(untilMs).toBeLessThanOrEqual(2000);

		standIn.configure({ rateLimit: { perSecond: 1, burst: 1, retryAfter: 'none' } });
		await post(standIn, '/ping', withKey());
		const bare = await post(standIn, '/ping', withKey());
		expect(bare.status).toBe(429);
		expect(bare.headers.has('retry-after')).toBe(false);
	});

	it('does not act on a request it refuses with 429', async () => {
		standIn.configure({ rateLimit: { perSecond: 0.5, burst: 1, retryAfter: 'seconds' } });
		await post(standIn, '/ping', withKey());
		expect((await post(standIn, '/users/delete', withKey({ user_id: ADA.user_id }))).status).toBe(
			429,
		);
		expect(standIn.deletedUserIds()).toEqual([]);
		expect(standIn.stats().deletions).toBe(0);
	});

	it('takes no token for a refused request', () => {
		const bucket = new TokenBucket({ perSecond: 10, burst: 1, retryAfter: 'seconds' }, 0);
		expect(bucket.take(0)).toBe(0);
		expect(bucket.take(10)).toBeCloseTo(90);
		expect(bucket.take(50)).toBeCloseTo(50);
		expect(bucket.take(100)).toBe(0);
	});

	it('answers 503 before acting, so nothing changes', async () => {
		standIn.configure({ errorRate503: 1 });
		const answer = await post(standIn, '/users/delete', withKey({ user_id: ADA.user_id }));
		expect(answer).toMatchObject({
			status: 503,
			body: { detail: { error: 'service unavailable' } },
		});
		standIn.configure({ errorRate503: 0 });
		expect((await post(standIn, '/users/delete', withKey({ user_id: ADA.user_id }))).status).toBe(
			200,
		);
	});

	it('resets the connection before acting: the client fails and the user stays linked', async () => {
		standIn.configure({ resetRate: 1 });
		await expect(
			post(standIn, '/users/delete', withKey({ user_id: ADA.user_id })),
		).rejects.toThrow();
		expect(standIn.deletedUserIds()).toEqual([]);
		expect(standIn.calls).toEqual([
			expect.objectContaining({ status: 0, reset: true, userId: ADA.user_id }),
		]);
	});

	it('resets the connection after acting: the client fails but the user is gone', async () => {
		standIn.configure({ resetRate: 1, resetAfterActing: true });
		await expect(
			post(standIn, '/users/delete', withKey({ user_id: ADA.user_id })),
		).rejects.toThrow();
		expect(standIn.deletedUserIds()).toEqual([ADA.user_id]);
		standIn.configure({ resetRate: 0 });
		expect((await post(standIn, '/users/delete', withKey({ user_id: ADA.user_id }))).status).toBe(
			404,
		);
	});

	it('answers a delete with 200 yet keeps the user linked when deleteLeavesUserLinked is set', async () => {
		standIn.configure({ deleteLeavesUserLinked: true });
		const deletion = await post(standIn, '/users/delete', withKey({ user_id: ADA.user_id }));
		expect({ status: deletion.status, body: deletion.body }).toEqual({
			status: 200,
			body: { success: true },
		});
		expect(standIn.deletedUserIds()).toEqual([]);
		expect(standIn.stats().deletions).toBe(0);
		const retrieved = await post(standIn, '/users/retrieve', withKey({ user_id: ADA.user_id }));
		expect(retrieved.status).toBe(200);
		const stranger = withKey({ user_id: '5a0b3c9e-1111-4222-8333-944455556666' });
		expect((await post(standIn, '/users/delete', stranger)).status).toBe(404);
	});

	it('answers slowly after acting, so a client that times out misses a deletion that happened', async () => {
		standIn.configure({ slowRate: 1, slowMs: 400 });
		const request = post(standIn, '/users/delete', withKey({ user_id: ADA.user_id }), {
			signal: AbortSignal.timeout(100),
		});
		await expect(request).rejects.toThrow();
		expect(standIn.deletedUserIds()).toEqual([ADA.user_id]);
	});

	it('delays every answer by latencyMs', async () => {
		standIn.configure({ latencyMs: 120 });
		const startedAt = performance.now();
		expect((await post(standIn, '/ping', withKey())).status).toBe(200);
		expect(performance.now() - startedAt).toBeGreaterThanOrEqual(110);
	});

	it('forces the next N answers of a path without acting, then behaves again', async () => {
		standIn.configure({
			statusOverride: [{ path: '/users/delete', status: 500, body: { detail: 'boom' }, times: 2 }],
		});
		const statuses = [];
		for (let i = 0; i < 3; i++)
			statuses.push(
				(await post(standIn, '/users/delete', withKey({ user_id: ADA.user_id }))).status,
			);
		expect(statuses).toEqual([500, 500, 200]);
		expect(standIn.deletedUserIds()).toEqual([ADA.user_id]);
	});

	it('forces answers for one user_id only when the override names one', async () => {
		standIn.configure({
			statusOverride: [
				{ path: '/users/delete', userId: GRACE.user_id, status: 500, body: { detail: 'boom' } },
			],
		});
		const status = async (userId: string) =>
			(await post(standIn, '/users/delete', withKey({ user_id: userId }))).status;
		expect([await status(GRACE.user_id as string), await status(ADA.user_id as string)]).toEqual([
			500, 200,
		]);
		expect(standIn.deletedUserIds()).toEqual([ADA.user_id]);
	});

	it('can force a 200 whose body has the wrong shape', async () => {
		standIn.configure({
			statusOverride: [
				{ path: '/api/external/v1/users/delete', status: 200, body: { ok: 'yes' }, times: 1 },
			],
		});
		expect(await post(standIn, '/users/delete', withKey({ user_id: ADA.user_id }))).toMatchObject({
			status: 200,
			body: { ok: 'yes' },
		});
	});

	it('replays the same misbehaviour for the same seed', async () => {
		const statusesFor = async (standInUnderTest: StandIn): Promise<number[]> => {
			const statuses = [];
			for (let i = 0; i < 12; i++)
				statuses.push((await post(standInUnderTest, '/ping', withKey())).status);
			return statuses;
		};
		const first = await standInWith({ seed: 42, errorRate503: 0.5 });
		const second = await standInWith({ seed: 42, errorRate503: 0.5 });
		const firstStatuses = await statusesFor(first);
		expect(firstStatuses).toContain(503);
		expect(firstStatuses).toContain(200);
		expect(await statusesFor(second)).toEqual(firstStatuses);
	});
});

describe('recording', () => {
	let standIn: StandIn;
	beforeAll(async () => {
		standIn = await standInWith();
	});
	beforeEach(() => standIn.reset());

	it('records each call with where its key travelled', async () => {
		await post(standIn, '/users/delete', withKey({ user_id: ADA.user_id }));
		await post(standIn, '/ping', withKey(), {
			headers: { authorization: `Bearer ${DEMO_API_KEY}` },
			query: `?api_key=${DEMO_API_KEY}`,
		});
		expect(standIn.calls).toEqual([
			{
				path: '/api/external/v1/users/delete',
				status: 200,
				userId: ADA.user_id,
				keyLocations: ['body'],
				at: expect.any(Number),
				reset: false,
			},
			expect.objectContaining({ keyLocations: ['body', 'header:authorization', 'query:api_key'] }),
		]);
	});

	it('counts requests by status and path, and in-flight peaks', async () => {
		standIn.configure({ latencyMs: 50 });
		await Promise.all([1, 2, 3].map(() => post(standIn, '/ping', withKey())));
		await post(standIn, '/nope', withKey());
		expect(standIn.stats()).toEqual({
			requests: 4,
			byStatus: { '200': 3, '404': 1 },
			byPath: { '/api/external/v1/ping': 3, '/api/external/v1/nope': 1 },
			deletions: 0,
			maxInFlight: 3,
			inFlight: 0,
		});
	});

	it('keeps only counters when recordCalls is false', async () => {
		const quiet = await standInWith({ recordCalls: false });
		await post(quiet, '/ping', withKey());
		expect(quiet.calls).toEqual([]);
		expect(quiet.stats().requests).toBe(1);
	});

	it('reset({ recordCalls }) turns call records on until the next reset without it', async () => {
		const quiet = await standInWith({ recordCalls: false });
		quiet.reset({ recordCalls: true });
		await post(quiet, '/ping', withKey());
		expect(quiet.calls.map((call) => call.path)).toEqual(['/api/external/v1/ping']);
		quiet.reset();
		await post(quiet, '/ping', withKey());
		expect(quiet.calls).toEqual([]);
	});

	it('reset() forgets calls and restores users and faults', async () => {
		standIn.configure({ errorRate503: 1 });
		standIn.reset();
		expect((await post(standIn, '/users/delete', withKey({ user_id: ADA.user_id }))).status).toBe(
			200,
		);
		standIn.reset();
		expect(standIn.calls).toEqual([]);
		expect(standIn.deletedUserIds()).toEqual([]);
		expect((await post(standIn, '/users/retrieve', withKey({ user_id: ADA.user_id }))).status).toBe(
			200,
		);
	});
});

describe('control endpoints', () => {
	let standIn: StandIn;
	beforeAll(async () => {
		standIn = await standInWith();
	});

	const control = async (method: string, path: string, body?: unknown): Promise<Answer> => {
		const response = await fetch(`${standIn.url}/__standin${path}`, {
			method,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: response.status, body: await response.json(), headers: response.headers };
	};

	it('configure, seed users, read state and reset without a key, and are not counted', async () => {
		expect((await control('POST', '/configure', { errorRate503: 1 })).status).toBe(200);
		expect((await post(standIn, '/ping', withKey())).status).toBe(503);
		expect((await control('POST', '/configure', { errorRate503: 0 })).status).toBe(200);

		const newcomer = { user_id: STRANGER_ID, email: 'new.comer@example.com' };
		expect(await control('POST', '/users', { users: [newcomer] })).toMatchObject({
			status: 200,
			body: { seeded: 1 },
		});
		expect((await post(standIn, '/users/delete', withKey({ user_id: STRANGER_ID }))).status).toBe(
			200,
		);

		const state = await control('GET', '/state');
		expect(state.body).toMatchObject({
			stats: { requests: 2, byStatus: { '503': 1, '200': 1 } },
			deletedUserIds: [STRANGER_ID],
			calls: [expect.objectContaining({ status: 503 }), expect.objectContaining({ status: 200 })],
		});

		expect((await control('POST', '/reset')).status).toBe(200);
		expect((await control('GET', '/state?calls=0')).body).toMatchObject({
			stats: { requests: 0 },
			deletedUserIds: [],
		});
		expect((await control('GET', '/state?calls=0')).body).not.toHaveProperty('calls');
	});

	it('rejects a nonsensical configuration with 400', async () => {
		const answer = await control('POST', '/configure', { errorRate503: 7 });
		expect(answer).toMatchObject({
			status: 400,
			body: { error: expect.stringMatching(/errorRate503/) },
		});
	});
});

describe('parseUuid (Pydantic semantics)', () => {
	it.each([
		['240F6070D2D34CE194615188BED8FC1D', '240f6070-d2d3-4ce1-9461-5188bed8fc1d'],
		['{240f6070-d2d3-4ce1-9461-5188bed8fc1d}', '240f6070-d2d3-4ce1-9461-5188bed8fc1d'],
		['00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000'],
	])('accepts %s', (input, uuid) => {
		expect(parseUuid(input)).toEqual({ ok: true, uuid });
	});

	it.each([
		['', 'invalid length: expected length 32 for simple format, found 0'],
		['240f6070-d2d3-4ce1-9461', 'invalid group count: expected 5, found 4'],
		['240f6070-d2d-4ce1-9461-5188bed8fc1d', 'invalid group length in group 1: expected 4, found 3'],
		[
			'240f6070-d2d3-4ce1-9461-5188bed8fc1',
			'invalid group length in group 4: expected 12, found 11',
		],
	])('rejects %j with the same words as Pydantic', (input, error) => {
		expect(parseUuid(input)).toEqual({ ok: false, error });
	});
});
