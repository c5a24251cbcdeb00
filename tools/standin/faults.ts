/**
 * The misbehaviour the stand-in can be told to show: latency, a rate-limiting gateway, random 503s,
 * connection resets, slow answers and forced answers. Randomness comes from a seeded generator so a
 * run can be replayed.
 */
import { apiPath } from './paths.ts';

export type RetryAfterStyle = 'seconds' | 'http-date' | 'none';

export interface RateLimit {
	perSecond: number;
	/** Bucket size; defaults to `perSecond` (at least 1). */
	burst?: number;
	retryAfter: RetryAfterStyle;
}

/** Answer the next `times` calls of `path` (default: every call) with this instead of acting. */
export interface StatusOverride {
	/** `/users/delete` or the full `/api/external/v1/users/delete`. */
	path: string;
	status: number;
	/** Sent as JSON, except a string, which is sent verbatim (e.g. a gateway's HTML error page). */
	body: unknown;
	times?: number;
	headers?: Record<string, string>;
	/** `{{request}}` in a string body (or in a JSON body's strings) becomes the raw request body, JSON-escaped: a server echoing what it got. */
	echo?: boolean;
	/** Send the answer one byte at a time, this many milliseconds apart (a server that trickles). */
	trickleMs?: number;
	/** Only calls whose body names this `user_id` (exactly as sent); others pass it by. */
	userId?: string;
}

export interface Faults {
	latencyMs: number;
	/** Each answer's latency is latencyMs ± up to this much, uniformly. */
	latencyJitterMs: number;
	rateLimit: RateLimit | null;
	errorRate503: number;
	resetRate: number;
	/** Reset after the endpoint acted: the deletion happened but the client never heard. */
	resetAfterActing: boolean;
	slowRate: number;
	slowMs: number;
	statusOverride: StatusOverride[];
	/** Deletes answer 200 but the user stays linked: the end state Verify Removal checks for. */
	deleteLeavesUserLinked: boolean;
}

export type FaultsPatch = Partial<Faults>;

export const NO_FAULTS: Readonly<Faults> = Object.freeze({
	latencyMs: 0,
	latencyJitterMs: 0,
	rateLimit: null,
	errorRate503: 0,
	resetRate: 0,
	resetAfterActing: false,
	slowRate: 0,
	slowMs: 0,
	statusOverride: [],
	deleteLeavesUserLinked: false,
});

const RETRY_AFTER_STYLES: readonly string[] = ['seconds', 'http-date', 'none'];

/** Checks a patch that may come from JSON; throws an Error naming the first bad field. */
export function checkFaultsPatch(input: unknown): FaultsPatch {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		throw new Error('faults must be a JSON object');
	}
	const patch = input as Record<string, unknown>;
	for (const field of ['latencyMs', 'latencyJitterMs', 'slowMs'])
		assertOptional(patch, field, isNonNegativeNumber, 'a number >= 0');
	for (const field of ['errorRate503', 'resetRate', 'slowRate'])
		assertOptional(patch, field, isRate, 'a number in 0..1');
	for (const field of ['resetAfterActing', 'deleteLeavesUserLinked'])
		assertOptional(patch, field, (value) => typeof value === 'boolean', 'a boolean');
	assertOptional(
		patch,
		'rateLimit',
		(value) => value === null || isRateLimit(value),
		'null or {perSecond > 0, burst?, retryAfter}',
	);
	assertOptional(
		patch,
		'statusOverride',
		(value) => Array.isArray(value) && value.every(isStatusOverride),
		'a list of {path, status, body, times?, headers?, echo?, trickleMs?, userId?}',
	);
	return patch as FaultsPatch;
}

/** A new Faults with the patch's defined fields applied; overrides are copied, never shared. */
export function applyFaultsPatch(faults: Faults, patch: FaultsPatch): Faults {
	const definedFields: FaultsPatch = Object.fromEntries(
		Object.entries(patch).filter(([, value]) => value !== undefined),
	);
	const next: Faults = { ...faults, ...definedFields };
	return { ...next, statusOverride: next.statusOverride.map((override) => ({ ...override })) };
}

/**
 * Takes the first override for `path` (an API path) and the call's `user_id` that still has uses
 * left, counting the use.
 */
export function takeOverride(
	faults: Faults,
	path: string,
	userId?: string,
): StatusOverride | undefined {
	const override = faults.statusOverride.find(
		(candidate) =>
			apiPath(candidate.path) === path &&
			(candidate.userId === undefined || candidate.userId === userId) &&
			(candidate.times ?? 1) > 0,
	);
	if (override?.times !== undefined) override.times--;
	return override;
}

/** Token bucket in front of the API; a refused request takes no token. */
export class TokenBucket {
	private readonly perSecond: number;
	private readonly capacity: number;
	private tokens: number;
	private lastRefill: number;

	constructor(limit: RateLimit, now: number) {
		this.perSecond = limit.perSecond;
		// At least one token, or a limit below 1/s would refuse everything.
		this.capacity = limit.burst ?? Math.max(1, limit.perSecond);
		this.tokens = this.capacity;
		this.lastRefill = now;
	}

	/** Returns 0 when a token was taken, else the milliseconds until one will be available. */
	take(now: number): number {
		this.tokens = Math.min(
			this.capacity,
			this.tokens + ((now - this.lastRefill) / 1000) * this.perSecond,
		);
		this.lastRefill = now;
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return 0;
		}
		return ((1 - this.tokens) / this.perSecond) * 1000;
	}
}

/** Whole seconds (at least 1), or an HTTP date that is at least that far away, or nothing. */
export function retryAfterValue(
	style: RetryAfterStyle,
	waitMs: number,
	nowEpochMs: number,
): string | undefined {
	const seconds = Math.max(1, Math.ceil(waitMs / 1000));
	if (style === 'seconds') return String(seconds);
	if (style === 'http-date')
		return new Date(Math.ceil((nowEpochMs + seconds * 1000) / 1000) * 1000).toUTCString();
	return undefined;
}

/** mulberry32: small, fast, and good enough to decide which requests misbehave. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let mixed = state;
		mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
		mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
		return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
	};
}

function assertOptional(
	patch: Record<string, unknown>,
	field: string,
	isValid: (value: unknown) => boolean,
	expected: string,
): void {
	if (patch[field] !== undefined && !isValid(patch[field]))
		throw new Error(`${field} must be ${expected}`);
}

function isNonNegativeNumber(value: unknown): boolean {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isRate(value: unknown): boolean {
	return isNonNegativeNumber(value) && (value as number) <= 1;
}

function isRateLimit(value: unknown): boolean {
	if (typeof value !== 'object' || value === null) return false;
	const limit = value as Record<string, unknown>;
	return (
		typeof limit.perSecond === 'number' &&
		limit.perSecond > 0 &&
		(limit.burst === undefined || (typeof limit.burst === 'number' && limit.burst >= 1)) &&
		typeof limit.retryAfter === 'string' &&
		RETRY_AFTER_STYLES.includes(limit.retryAfter)
	);
}

function isStatusOverride(value: unknown): boolean {
	if (typeof value !== 'object' || value === null) return false;
	const override = value as Record<string, unknown>;
	return (
		typeof override.path === 'string' &&
		Number.isInteger(override.status) &&
		(override.status as number) >= 100 &&
		(override.status as number) <= 599 &&
		(override.times === undefined ||
			(Number.isInteger(override.times) && (override.times as number) >= 0)) &&
		(override.headers === undefined ||
			(typeof override.headers === 'object' && override.headers !== null)) &&
		(override.echo === undefined || typeof override.echo === 'boolean') &&
		(override.trickleMs === undefined || isNonNegativeNumber(override.trickleMs)) &&
		(override.userId === undefined || typeof override.userId === 'string')
	);
}
