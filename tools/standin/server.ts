/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * A local stand-in for the ProductBridge public API (`/api/external/v1/`), faithful to its
 * documented contract and FastAPI's error shapes, with fault injection and call recording for
 * tests, benchmarks and the playground. Loopback only; Node builtins only.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DEMO_API_KEY, DEMO_ORGANIZATION } from './demo.ts';
import { UserDirectory } from './directory.ts';
import type { SeedUser } from './directory.ts';
import {
	NO_FAULTS,
	TokenBucket,
	applyFaultsPatch,
	checkFaultsPatch,
	retryAfterValue,
	seededRandom,
	takeOverride,
} from './faults.ts';
import type { Faults, FaultsPatch, StatusOverride } from './faults.ts';
import { API_PREFIX, CONTROL_PREFIX, apiPath } from './paths.ts';
import { Recorder } from './recorder.ts';
import type { CallRecord, StandInStats } from './recorder.ts';
import {
	invalidJsonIssue,
	isJsonObject,
	missingBodyIssue,
	notAnObjectIssue,
	validateDeleteBody,
	validateRetrieveBody,
} from './validation.ts';
import type { JsonObject, ValidationIssue } from './validation.ts';

export { DEMO_API_KEY, DEMO_ORGANIZATION, DEMO_USERS } from './demo.ts';
export { API_PREFIX, CONTROL_PREFIX } from './paths.ts';
export { parseUuid } from './uuid.ts';
export type { ProductBridgeUser, SeedUser } from './directory.ts';
export type { Faults, FaultsPatch, RateLimit, RetryAfterStyle, StatusOverride } from './faults.ts';
export type { CallRecord, StandInStats } from './recorder.ts';
export type { ValidationIssue } from './validation.ts';

export interface StandInOptions extends FaultsPatch {
	/** Default 0: an ephemeral port. */
	port?: number;
	/** Default and only accepted kind: a 127.x.x.x address. */
	host?: string;
	/** Default DEMO_API_KEY. */
	apiKey?: string;
	users?: readonly SeedUser[];
	/** Every valid UUID not yet deleted counts as linked (benchmarks with thousands of ids). */
	acceptAnyUser?: boolean;
	/** Seed of the generator that decides which requests misbehave. */
	seed?: number;
	/** Default true; false keeps only the counters, for huge runs. */
	recordCalls?: boolean;
	organizationId?: string;
	organizationSlug?: string;
}

/** Without options, `reset()` returns to the state the stand-in started in. */
export interface ResetOptions {
	users?: readonly SeedUser[];
	acceptAnyUser?: boolean;
	/** Keep one record per call from now on (default: as the stand-in was started). */
	recordCalls?: boolean;
}

export interface StandIn {
	/** `http://127.0.0.1:<port>` */
	readonly url: string;
	/** `url` + `/api/external/v1`; what the credential's base URL should be set to. */
	readonly apiBaseUrl: string;
	readonly port: number;
	readonly apiKey: string;
	/** Live, in arrival order of the decision; empty when `recordCalls` is false. */
	readonly calls: readonly CallRecord[];
	stats(): StandInStats;
	/** Normalised (lowercase, hyphenated) ids unlinked so far, in deletion order. */
	deletedUserIds(): string[];
	faults(): Faults;
	configure(patch: FaultsPatch): void;
	/** Adds or replaces users; re-seeding a deleted user links it again. */
	seedUsers(users: readonly SeedUser[]): void;
	/** Clears calls and counters and restores users, faults, rate bucket and random sequence. */
	reset(options?: ResetOptions): void;
	close(): Promise<void>;
}

export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
	const host = options.host ?? '127.0.0.1';
	if (!/^127(\.\d{1,3}){3}$/.test(host))
		throw new Error(`the stand-in binds to loopback only, not ${host}`);
	const standIn = new ProductBridgeStandIn(options);
	await standIn.listen(options.port ?? 0, host);
	return standIn;
}

interface Reply {
	status: number;
	body: string;
	headers: Record<string, string>;
	trickleMs?: number;
}

const RESET = 'reset';
type Outcome = { reply: Reply | typeof RESET; delayMs: number };

type ParsedBody =
	| { kind: 'absent' }
	| { kind: 'json'; value: unknown }
	| { kind: 'invalid-json'; position: number; error: string }
	| { kind: 'not-json'; text: string };

interface ApiRequest {
	method: string;
	rawBody: string;
	/** As sent, e.g. `/api/external/v1/users/delete`. */
	path: string;
	body: ParsedBody;
	keyLocations: readonly string[];
	userId?: string;
	email?: string;
	arrivedAt: number;
	/** For the absolute Location of a trailing-slash redirect. */
	origin: string;
	search: string;
}

type Endpoint = (body: JsonObject) => Reply;

const DEFAULT_SEED = 0x5eed;
const KEY_LOOKALIKE = /pb_[A-Za-z0-9_-]{20,}/;
// Shared so that 20,000+ recorded calls do not each carry their own copy of the common answers.
const KEY_IN_BODY_ONLY: readonly string[] = Object.freeze(['body']);
const NO_KEY_FOUND: readonly string[] = Object.freeze([]);

const NOT_FOUND = jsonReply(404, { detail: 'Not Found' });
const METHOD_NOT_ALLOWED = jsonReply(405, { detail: 'Method Not Allowed' }, { allow: 'POST' });
const INVALID_API_KEY = jsonReply(401, { detail: { error: 'invalid api_key' } });
const USER_NOT_FOUND = jsonReply(404, { detail: { error: 'user not found' } });
const SERVICE_UNAVAILABLE = jsonReply(503, { detail: { error: 'service unavailable' } });
const RATE_LIMITED_BODY = { detail: { error: 'rate limit exceeded' } };

class ProductBridgeStandIn implements StandIn {
	url = '';
	apiBaseUrl = '';
	port = 0;
	readonly apiKey: string;
	private readonly options: StandInOptions;
	private readonly organization: { id: string; slug: string };
	private readonly directory: UserDirectory;
	private readonly recorder: Recorder;
	private readonly endpoints: ReadonlyMap<string, Endpoint>;
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly server: Server;
	private currentFaults: Faults = NO_FAULTS;
	private rateBucket: TokenBucket | null = null;
	private random: () => number = Math.random;

	constructor(options: StandInOptions) {
		this.options = options;
		this.apiKey = options.apiKey ?? DEMO_API_KEY;
		this.organization = {
			id: options.organizationId ?? DEMO_ORGANIZATION.id,
			slug: options.organizationSlug ?? DEMO_ORGANIZATION.slug,
		};
		this.directory = new UserDirectory();
		this.recorder = new Recorder(options.recordCalls ?? true);
		this.endpoints = new Map<string, Endpoint>([
			['/ping', (body) => this.ping(body)],
			['/users/delete', (body) => this.deleteUser(body)],
			['/users/retrieve', (body) => this.retrieveUser(body)],
		]);
		this.restoreInitialState({});
		this.server = createServer((req, res) => {
			this.handle(req, res).catch((error: unknown) => answerInternalError(res, error));
		});
	}

	get calls(): readonly CallRecord[] {
		return this.recorder.calls;
	}

	stats(): StandInStats {
		return this.recorder.stats();
	}

	deletedUserIds(): string[] {
		return this.directory.unlinkedUserIds();
	}

	faults(): Faults {
		return applyFaultsPatch(this.currentFaults, {});
	}

	configure(patch: FaultsPatch): void {
		checkFaultsPatch(patch);
		this.currentFaults = applyFaultsPatch(this.currentFaults, patch);
		if (patch.rateLimit !== undefined) this.rebuildRateBucket();
	}

	seedUsers(users: readonly SeedUser[]): void {
		this.directory.seed(users);
	}

	reset(options: ResetOptions = {}): void {
		this.recorder.clear();
		this.recorder.recordCalls = options.recordCalls ?? this.options.recordCalls ?? true;
		this.restoreInitialState(options);
	}

	async listen(port: number, host: string): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		this.port = (this.server.address() as AddressInfo).port;
		this.url = `http://${host}:${this.port}`;
		this.apiBaseUrl = `${this.url}${API_PREFIX}`;
	}

	async close(): Promise<void> {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	private restoreInitialState(options: ResetOptions): void {
		this.directory.clear();
		this.directory.acceptAnyUser = options.acceptAnyUser ?? this.options.acceptAnyUser ?? false;
		this.directory.seed(options.users ?? this.options.users ?? []);
		this.currentFaults = applyFaultsPatch(NO_FAULTS, checkFaultsPatch(pickFaults(this.options)));
		this.rebuildRateBucket();
		this.random = seededRandom(this.options.seed ?? DEFAULT_SEED);
	}

	private rebuildRateBucket(): void {
		const limit = this.currentFaults.rateLimit;
		this.rateBucket = limit === null ? null : new TokenBucket(limit, performance.now());
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(`http://stand-in${req.url ?? '/'}`);
		const isControl =
			url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`);
		if (isControl) await this.handleControl(req, res, url);
		else await this.handleApi(req, res, url);
	}

	// ---- the API ----

	private async handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
		this.recorder.requestStarted();
		res.once('close', () => this.recorder.requestFinished());
		const request = describeRequest(req, url, await readBody(req), this.apiKey);
		const outcome = this.decide(request);
		this.recordCall(request, outcome);
		await this.sleep(outcome.delayMs);
		if (outcome.reply === RESET) req.socket.destroy();
		else send(res, outcome.reply);
	}

	/** Gateway first (rate limit), then forced and random faults, then the endpoint itself. */
	private decide(request: ApiRequest): Outcome {
		const faults = this.currentFaults;
		const refusal = this.rateLimitRefusal();
		if (refusal !== undefined) return { reply: refusal, delayMs: faults.latencyMs };
		// Always three draws per admitted request, so changing one rate leaves the others' sequence alone.
		const fails503 = this.random() < faults.errorRate503;
		const resets = this.random() < faults.resetRate;
		const isSlow = this.random() < faults.slowRate;
		// A fourth draw only when jitter is asked for, so the other faults' sequences stay as they were.
		const jitter =
			faults.latencyJitterMs > 0 ? (this.random() * 2 - 1) * faults.latencyJitterMs : 0;
		const delayMs = isSlow ? faults.slowMs : Math.max(0, faults.latencyMs + jitter);
		const override = takeOverride(faults, apiPath(request.path), request.userId);
		if (override !== undefined) return { reply: overrideReply(override, request.rawBody), delayMs };
		if (fails503) return { reply: SERVICE_UNAVAILABLE, delayMs };
		if (resets && !faults.resetAfterActing) return { reply: RESET, delayMs };
		const reply = this.route(request);
		return { reply: resets ? RESET : reply, delayMs };
	}

	private rateLimitRefusal(): Reply | undefined {
		const limit = this.currentFaults.rateLimit;
		if (limit === null || this.rateBucket === null) return undefined;
		const waitMs = this.rateBucket.take(performance.now());
		if (waitMs === 0) return undefined;
		const retryAfter = retryAfterValue(limit.retryAfter, waitMs, Date.now());
		return jsonReply(
			429,
			RATE_LIMITED_BODY,
			retryAfter === undefined ? {} : { 'retry-after': retryAfter },
		);
	}

	private route(request: ApiRequest): Reply {
		const endpoint = request.path.startsWith(`${API_PREFIX}/`)
			? this.endpoints.get(apiPath(request.path))
			: undefined;
		if (endpoint === undefined) return this.trailingSlashRedirect(request) ?? NOT_FOUND;
		if (request.method !== 'POST') return METHOD_NOT_ALLOWED;
		const body = bodyAsObject(request.body);
		if (!isJsonObject(body)) return unprocessable(body);
		return endpoint(body);
	}

	/** Starlette's `redirect_slashes`: `/users/delete/` answers 307 to `/users/delete`. */
	private trailingSlashRedirect(request: ApiRequest): Reply | undefined {
		const withoutSlash = request.path.slice(0, -1);
		const known = request.path.endsWith('/') && withoutSlash.startsWith(`${API_PREFIX}/`);
		if (!known || !this.endpoints.has(apiPath(withoutSlash))) return undefined;
		return {
			status: 307,
			body: '',
			headers: { location: `${request.origin}${withoutSlash}${request.search}` },
		};
	}

	private ping(body: JsonObject): Reply {
		if (!this.isAuthorised(body)) return INVALID_API_KEY;
		return jsonReply(200, {
			organization_id: this.organization.id,
			organization_slug: this.organization.slug,
			timestamp: new Date().toISOString(),
		});
	}

	private deleteUser(body: JsonObject): Reply {
		const userId = validateDeleteBody(body);
		if (!userId.ok) return unprocessable(userId.issues);
		if (!this.isAuthorised(body)) return INVALID_API_KEY;
		if (this.currentFaults.deleteLeavesUserLinked) {
			return this.directory.isLinked(userId.value)
				? jsonReply(200, { success: true })
				: USER_NOT_FOUND;
		}
		if (!this.directory.unlink(userId.value)) return USER_NOT_FOUND;
		this.recorder.deletionHappened();
		return jsonReply(200, { success: true });
	}

	private retrieveUser(body: JsonObject): Reply {
		const lookup = validateRetrieveBody(body);
		if (!lookup.ok) return unprocessable(lookup.issues);
		if (!this.isAuthorised(body)) return INVALID_API_KEY;
		const user =
			'userId' in lookup.value
				? this.directory.findLinkedById(lookup.value.userId)
				: this.directory.findLinkedByEmail(lookup.value.email);
		return user === undefined ? USER_NOT_FOUND : jsonReply(200, user);
	}

	private isAuthorised(body: JsonObject): boolean {
		return body.api_key === this.apiKey;
	}

	private recordCall(request: ApiRequest, outcome: Outcome): void {
		const reset = outcome.reply === RESET;
		const call: CallRecord = {
			path: request.path,
			status: outcome.reply === RESET ? 0 : outcome.reply.status,
			keyLocations: request.keyLocations,
			at: request.arrivedAt,
			reset,
		};
		if (request.userId !== undefined) call.userId = request.userId;
		if (request.email !== undefined) call.email = request.email;
		this.recorder.record(call);
	}

	private sleep(ms: number): Promise<void> {
		if (ms <= 0) return Promise.resolve();
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				resolve();
			}, ms);
			this.timers.add(timer);
		});
	}

	// ---- control endpoints: no api key, no faults, not counted ----

	private async handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
		const rawBody = await readBody(req);
		const action = `${req.method ?? ''} ${url.pathname.slice(CONTROL_PREFIX.length)}`;
		try {
			send(res, this.control(action, rawBody, url.searchParams));
		} catch (error) {
			send(res, jsonReply(400, { error: error instanceof Error ? error.message : String(error) }));
		}
	}

	private control(action: string, rawBody: string, query: URLSearchParams): Reply {
		switch (action) {
			case 'GET /state':
				return jsonReply(200, this.state(query));
			case 'POST /reset':
				this.reset(controlBody(rawBody) as ResetOptions);
				return jsonReply(200, { ok: true });
			case 'POST /configure':
				this.configure(checkFaultsPatch(controlBody(rawBody)));
				return jsonReply(200, { faults: this.faults() });
			case 'POST /users':
				return jsonReply(200, { seeded: this.seedFromControl(controlBody(rawBody)) });
			default:
				return NOT_FOUND;
		}
	}

	/** `?calls=0` leaves the calls out; `?since=N` sends only calls from index N on. */
	private state(query: URLSearchParams): JsonObject {
		const state: JsonObject = {
			url: this.url,
			apiBaseUrl: this.apiBaseUrl,
			stats: this.stats(),
			deletedUserIds: this.deletedUserIds(),
			faults: this.faults(),
			acceptAnyUser: this.directory.acceptAnyUser,
			callCount: this.calls.length,
		};
		if (query.get('calls') !== '0')
			state.calls = this.calls.slice(Number(query.get('since') ?? 0) || 0);
		return state;
	}

	/** Accepts `[...users]` or `{users: [...], acceptAnyUser?}`. */
	private seedFromControl(body: unknown): number {
		const request = Array.isArray(body)
			? { users: body }
			: (body as { users?: unknown; acceptAnyUser?: unknown });
		const users = request.users ?? [];
		if (!Array.isArray(users) || !users.every(isJsonObject))
			throw new Error('users must be a list of objects');
		if (typeof request.acceptAnyUser === 'boolean')
			this.directory.acceptAnyUser = request.acceptAnyUser;
		this.seedUsers(users as SeedUser[]);
		return users.length;
	}
}

// ---- request reading ----

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function describeRequest(
	req: IncomingMessage,
	url: URL,
	rawBody: string,
	apiKey: string,
): ApiRequest {
	const body = parseBody(rawBody, req.headers['content-type']);
	const fields = body.kind === 'json' && isJsonObject(body.value) ? body.value : {};
	const request: ApiRequest = {
		method: req.method ?? '',
		rawBody,
		path: url.pathname,
		body,
		keyLocations: locateApiKeys(apiKey, req.headers, url.searchParams, fields, rawBody),
		arrivedAt: Date.now(),
		origin: `http://${req.headers.host ?? url.host}`,
		search: url.search,
	};
	if (typeof fields.user_id === 'string') request.userId = fields.user_id;
	if (typeof fields.email === 'string') request.email = fields.email;
	return request;
}

/** As FastAPI decides: no Content-Type or a JSON one means JSON; any other type means raw bytes. */
function parseBody(raw: string, contentType: string | undefined): ParsedBody {
	if (raw === '') return { kind: 'absent' };
	if (contentType && !isJsonMediaType(contentType)) return { kind: 'not-json', text: raw };
	try {
		return { kind: 'json', value: JSON.parse(raw) };
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		return { kind: 'invalid-json', position: jsonErrorPosition(message, raw), error: message };
	}
}

function isJsonMediaType(contentType: string): boolean {
	const [mainType, subType] = contentType.split(';')[0].trim().toLowerCase().split('/');
	return (
		mainType === 'application' &&
		subType !== undefined &&
		(subType === 'json' || subType.endsWith('+json'))
	);
}

function jsonErrorPosition(message: string, raw: string): number {
	const position = /position (\d+)/.exec(message);
	if (position !== null) return Number(position[1]);
	return /end of JSON/.test(message) ? raw.length : 0;
}

/** The body as an object, or the 422 issues FastAPI would give for it. */
function bodyAsObject(body: ParsedBody): JsonObject | ValidationIssue[] {
	switch (body.kind) {
		case 'absent':
			return [missingBodyIssue()];
		case 'invalid-json':
			return [invalidJsonIssue(body.position, body.error)];
		case 'not-json':
			return [notAnObjectIssue(body.text)];
		case 'json':
			if (body.value === null) return [missingBodyIssue()];
			return isJsonObject(body.value) ? body.value : [notAnObjectIssue(body.value)];
	}
}

/** Where an API key travelled; anything other than `body` is a leak the tests want to see. */
function locateApiKeys(
	apiKey: string,
	headers: IncomingHttpHeaders,
	query: URLSearchParams,
	fields: JsonObject,
	rawBody: string,
): readonly string[] {
	const containsKey = (text: string): boolean => text.includes(apiKey) || KEY_LOOKALIKE.test(text);
	const locations: string[] = [];
	if (typeof fields.api_key === 'string' && fields.api_key !== '') locations.push('body');
	else if (containsKey(rawBody)) locations.push('body:elsewhere');
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined && containsKey(String(value))) locations.push(`header:${name}`);
	}
	for (const [name, value] of query) {
		if (name === 'api_key' || containsKey(value)) locations.push(`query:${name}`);
	}
	if (locations.length === 0) return NO_KEY_FOUND;
	return locations.length === 1 && locations[0] === 'body' ? KEY_IN_BODY_ONLY : locations;
}

function controlBody(rawBody: string): unknown {
	if (rawBody.trim() === '') return {};
	return JSON.parse(rawBody) as unknown;
}

// ---- answering ----

function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
	return {
		status,
		body: JSON.stringify(body),
		headers: { 'content-type': 'application/json', ...headers },
	};
}

function unprocessable(issues: ValidationIssue[]): Reply {
	return jsonReply(422, { detail: issues });
}

function overrideReply(override: StatusOverride, rawRequestBody: string): Reply {
	const echoed = JSON.stringify(rawRequestBody).slice(1, -1);
	const fill = (text: string) => (override.echo ? text.split('{{request}}').join(echoed) : text);
	const reply =
		typeof override.body === 'string'
			? {
					status: override.status,
					body: fill(override.body),
					headers: { 'content-type': 'text/plain; charset=utf-8', ...override.headers },
				}
			: jsonReply(override.status, override.body, override.headers);
	if (typeof override.body !== 'string' && override.echo) reply.body = fill(reply.body);
	return override.trickleMs ? { ...reply, trickleMs: override.trickleMs } : reply;
}

function send(res: ServerResponse, reply: Reply): void {
	// The client may have given up (timeout) while a slow answer was pending.
	if (res.destroyed || res.headersSent) return;
	res.writeHead(reply.status, {
		...reply.headers,
		'content-length': Buffer.byteLength(reply.body),
	});
	if (reply.trickleMs) trickle(res, Buffer.from(reply.body), reply.trickleMs);
	else res.end(reply.body);
}

/** One byte per interval until the body is out or the client hangs up. */
function trickle(res: ServerResponse, body: Buffer, intervalMs: number): void {
	let sent = 0;
	const timer = setInterval(() => {
		if (res.destroyed || sent >= body.length) {
			clearInterval(timer);
			if (!res.destroyed) res.end();
			return;
		}
		res.write(body.subarray(sent, sent + 1));
		sent++;
	}, intervalMs);
	res.once('close', () => clearInterval(timer));
}

function answerInternalError(res: ServerResponse, error: unknown): void {
	console.error('ProductBridge stand-in: internal error', error);
	send(res, {
		status: 500,
		body: 'Internal Server Error',
		headers: { 'content-type': 'text/plain; charset=utf-8' },
	});
}

function pickFaults(options: StandInOptions): FaultsPatch {
	const {
		latencyMs,
		latencyJitterMs,
		rateLimit,
		errorRate503,
		resetRate,
		resetAfterActing,
		slowRate,
		slowMs,
		statusOverride,
		deleteLeavesUserLinked,
	} = options;
	return {
		latencyMs,
		latencyJitterMs,
		rateLimit,
		errorRate503,
		resetRate,
		resetAfterActing,
		slowRate,
		slowMs,
		statusOverride,
		deleteLeavesUserLinked,
	};
}
