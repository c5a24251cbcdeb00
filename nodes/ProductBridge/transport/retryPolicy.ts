import type { IDataObject } from 'n8n-workflow';

/** What went wrong with one attempt: an HTTP status that may be worth another attempt, or no answer. */
export type AttemptProblem =
	/** `fromProductBridge`: the answer carries ProductBridge's own error envelope. */
	{ status: number; retryAfter?: unknown; fromProductBridge?: boolean } | { networkCode: string };

export interface RetryDecision {
	retry: boolean;
	/** How long to wait before the next attempt; never less than the backoff. */
	delayMs: number;
	/** The server spoke to the whole node (429 or a Retry-After): hold every request, not just this one. */
	pauseEveryone: boolean;
	/** The attempt may have been carried out even though its answer says otherwise or never came. */
	mayHaveActed: boolean;
}

/** Server errors that another attempt cannot fix: the method or the protocol is not supported. */
const PERMANENT_SERVER_ERRORS: ReadonlySet<number> = new Set([501, 505]);

/** Failures where nothing reached ProductBridge: safe to retry, and a later 404 means "not found". */
const NEVER_CONNECTED: ReadonlySet<string> = new Set([
	'ECONNREFUSED',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
]);

/** Nothing was sent, and another attempt will not change that: no such host, a certificate problem. */
const NOT_SENT = /^(ENOTFOUND|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_INVALID_URL)/;

/** Failures after the request may have been written: retry, but a later 404 may be our own doing. */
const MAYBE_DELIVERED: ReadonlySet<string> = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'ERR_STREAM_PREMATURE_CLOSE',
]);

const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 10_000;
export const RETRY_AFTER_CAP_MS = 60_000;

/**
 * Whether and when to try again after a failed attempt. `failures` counts this call's failed attempts,
 * this one included (from 1); `maxRetries` more attempts are allowed after the first. Pure, apart
 * from the jitter drawn from `random`.
 */
export function decideRetry(
	problem: AttemptProblem,
	failures: number,
	maxRetries: number,
	random: () => number = Math.random,
	now: number = Date.now(),
): RetryDecision {
	const backoff = backoffDelay(failures, random);
	if ('networkCode' in problem) {
		const code = problem.networkCode;
		const neverConnected = NEVER_CONNECTED.has(code);
		return {
			retry: (neverConnected || MAYBE_DELIVERED.has(code)) && failures <= maxRetries,
			delayMs: backoff,
			pauseEveryone: false,
			// An unknown failure counts as "may have acted": a guessed "not found" is worse than "unknown".
			mayHaveActed: !neverConnected && !NOT_SENT.test(code),
		};
	}
	const serverDelay = retryAfterDelay(problem.retryAfter, now);
	return {
		retry: isRetryableStatus(problem.status) && failures <= maxRetries,
		delayMs: Math.max(backoff, serverDelay ?? 0),
		pauseEveryone: problem.status === 429 || serverDelay !== undefined,
		// Any 5xx may come from a proxy that had passed the request on (Envoy's 503 "upstream
		// reset", Cloudflare's 524): a guessed "not found" afterwards would be worse than "unknown".
		// Only ProductBridge's own 503 says it turned the request away.
		mayHaveActed: problem.status >= 500 && !(problem.status === 503 && problem.fromProductBridge),
	};
}

/** Whether this problem may be tried again at all (while Max Retries allows). */
export function isRetryable(problem: AttemptProblem): boolean {
	return decideRetry(problem, 1, 1).retry;
}

/** Whether the attempt that met this problem may have been carried out although no answer says so. */
export function mayHaveActed(problem: AttemptProblem): boolean {
	return decideRetry(problem, 1, 1).mayHaveActed;
}

/** Whether a status is one that `decideRetry` would try again (while attempts are left). */
export function isRetryableStatus(status: number): boolean {
	if (status === 408 || status === 429) return true;
	return status >= 500 && status <= 599 && !PERMANENT_SERVER_ERRORS.has(status);
}

/** Exponential backoff with "equal jitter": half fixed, half random, so requests spread out. */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
	return ceiling / 2 + random() * (ceiling / 2);
}

/**
 * `Retry-After` as delta-seconds (digits only, as RFC 9110 writes it) or an HTTP date, capped;
 * undefined when absent or unreadable ("+5", "-1" and "soon" are not delays).
 */
export function retryAfterDelay(header: unknown, now = Date.now()): number | undefined {
	const asked = retryAfterAsked(header, now);
	return asked === undefined ? undefined : Math.min(RETRY_AFTER_CAP_MS, asked);
}

/** `Retry-After` as the server wrote it, in milliseconds and uncapped; undefined when unreadable. */
export function retryAfterAsked(header: unknown, now = Date.now()): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string') return undefined;
	const trimmed = value.trim();
	let delay: number;
	if (/^\d+(\.\d+)?$/.test(trimmed)) delay = Number(trimmed) * 1000;
	else if (/[a-z]/i.test(trimmed)) delay = Date.parse(trimmed) - now;
	else return undefined;
	if (Number.isNaN(delay)) return undefined;
	return Math.max(0, delay);
}

/**
 * "Not yet" rather than "failed": a 429, or a 503 that says when to come back. Waiting for it
 * spends the item's time budget (Max Wait for Rate Limits), not its retries.
 */
export function isComeBackLater(status: number, retryAfter: unknown): boolean {
	return status === 429 || (status === 503 && retryAfterAsked(retryAfter) !== undefined);
}

export type LaterDecision =
	| { wait: true; delayMs: number }
	/** The server asks for longer than the budget has left: give up now rather than wait in vain. */
	/** `askedMs`: what Retry-After asked, when it asked anything readable. */
	| { wait: false; askedMs: number | undefined; leftMs: number };

/**
 * How long to wait after the `later`-th "not yet" answer to one call, given `leftMs` of its time
 * budget: what Retry-After asks, or the backoff when it asks nothing. Pure, but for `random`.
 */
export function decideLater(
	retryAfter: unknown,
	later: number,
	leftMs: number,
	random: () => number = Math.random,
	now: number = Date.now(),
): LaterDecision {
	const asked = retryAfterAsked(retryAfter, now);
	// Never less than the backoff: "Retry-After: 0" answered again and again is no reason to hammer.
	const delayMs = Math.max(backoffDelay(later, random), asked ?? 0);
	if (delayMs <= leftMs) return { wait: true, delayMs };
	// A Retry-After shorter than the backoff ("0") is not what made the wait too long.
	const askedMs = asked !== undefined && asked >= delayMs ? asked : undefined;
	return { wait: false, askedMs, leftMs: Math.max(0, leftMs) };
}

export interface NetworkFailure {
	code: string;
	message: string;
}

/** Reads the failure's code and message without keeping the error, whose request config holds the key. */
export function classifyNetworkError(error: unknown): NetworkFailure {
	const code = findInCauseChain(error, 'code') ?? errorCodeInHttpCode(error) ?? 'UNKNOWN';
	const message = findInCauseChain(error, 'message') ?? 'the request failed';
	return { code, message };
}

/** n8n 1.x keeps no cause on its NodeApiError: the network code survives only as its httpCode. */
function errorCodeInHttpCode(error: unknown): string | undefined {
	const httpCode =
		typeof error === 'object' && error !== null ? (error as IDataObject).httpCode : undefined;
	return typeof httpCode === 'string' && /^E[A-Z_]+$/.test(httpCode) ? httpCode : undefined;
}

function findInCauseChain(error: unknown, field: 'code' | 'message'): string | undefined {
	let current: unknown = error;
	let found: string | undefined;
	for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
		const value = (current as IDataObject)[field];
		// The innermost value is the most specific one (axios' code beats the wrapper's).
		if (typeof value === 'string' && value !== '') found = value;
		current = (current as IDataObject).cause;
	}
	return found;
}
