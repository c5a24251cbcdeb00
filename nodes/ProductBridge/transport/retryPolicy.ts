import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

/** Statuses a gateway or a busy server answers; the request did nothing and can be sent again. */
export const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** Statuses after which the request may still have been carried out upstream. */
export const UNCERTAIN_STATUSES = new Set([502, 504]);

const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 10_000;
export const RETRY_AFTER_CAP_MS = 60_000;

/** Exponential backoff with "equal jitter": half fixed, half random, so workers spread out. */
export function backoffDelay(attempt: number): number {
	const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
	return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** `Retry-After` in seconds or as an HTTP date, capped; undefined when absent or unreadable. */
export function retryAfterDelay(header: unknown, now = Date.now()): number | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const trimmed = value.trim();
	const delay = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
	if (Number.isNaN(delay)) return undefined;
	return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, delay));
}

export interface NetworkFailure {
	code: string;
	message: string;
	retryable: boolean;
	mayHaveReachedServer: boolean;
}

/** Failures where nothing reached ProductBridge: safe to retry, and a later 404 means "not found". */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** Failures after the request may have been written: retry, but a later 404 may be our own doing. */
const MAYBE_DELIVERED = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** Reads the failure's code and message without keeping the error, whose request config holds the key. */
export function classifyNetworkError(error: unknown): NetworkFailure {
	const code = findInCauseChain(error, 'code') ?? errorCodeInHttpCode(error) ?? 'UNKNOWN';
	const message = findInCauseChain(error, 'message') ?? 'the request failed';
	return {
		code,
		message,
		retryable: NEVER_CONNECTED.has(code) || MAYBE_DELIVERED.has(code),
		mayHaveReachedServer: !NEVER_CONNECTED.has(code),
	};
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

const CANCEL_CHECK_MS = 250;

/** Waits `ms`, returning early once the execution is cancelled. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	const until = Date.now() + ms;
	for (let left = ms; left > 0 && !signal?.aborted; left = until - Date.now()) {
		await sleep(Math.min(left, CANCEL_CHECK_MS));
	}
}
