import { z } from 'zod/v4';

import { isRetryableStatus } from './retryPolicy';
import { UUID_PATTERN } from './uuid';

/**
 * What ProductBridge's answers look like, and how one HTTP answer reads. Only an answer in a
 * documented shape is an outcome; anything else comes from something that is not the API.
 */

const errorEnvelope = z.object({ detail: z.object({ error: z.string() }) });

const validationEnvelope = z.object({
	detail: z
		.array(
			z.object({
				loc: z.array(z.union([z.string(), z.number()])).optional(),
				msg: z.string(),
			}),
		)
		.min(1),
});

// Tolerant of fields ProductBridge may add; strict on what the package relies on.
export const deletedBody = z.looseObject({ success: z.literal(true) });

export const userBody = z.looseObject({
	user_id: z.string().regex(UUID_PATTERN),
	email: z.string().nullable().optional(),
	name: z.string().nullable().optional(),
});

export type SuccessShape = typeof deletedBody | typeof userBody;

export interface RawAnswer {
	status: number;
	contentType: string;
	text: string;
	retryAfter?: unknown;
	location?: string;
	/** The body went past MAX_ANSWER_BYTES: `text` is its start only. */
	tooLarge?: boolean;
}

export type Reading =
	| { kind: 'success'; body: unknown }
	| { kind: 'notFound' }
	/** 401, or 403: a key without access. Either stops the run. */
	| { kind: 'rejectedKey'; status: 401 | 403 }
	/** A 404 in the envelope about something other than the user (e.g. the organization). */
	| { kind: 'notFoundElse'; serverMessage: string }
	/** A 400 or other refusal in ProductBridge's envelope. */
	| { kind: 'refused'; status: number; serverMessage: string }
	/** FastAPI's 422 list, one line per offending field (the echoed `input` is dropped). */
	| { kind: 'invalidRequest'; problems: string }
	/** Worth another attempt (429, 5xx, 408), whoever sent it. */
	| { kind: 'transient'; status: number; serverMessage?: string; retryAfter?: unknown }
	/** Not ProductBridge's documented shape: a wrong Base URL, a proxy, a redirect. */
	| {
			kind: 'foreign';
			status: number;
			contentType: string;
			text: string;
			location?: string;
			/** Why the body was not read as JSON: larger or deeper than any ProductBridge answer. */
			unreadable?: 'size' | 'nesting';
	  };

/** ProductBridge's answers nest two or three levels; anything past this is not one of them. */
export const MAX_JSON_DEPTH = 64;

/** Reads one HTTP answer of an endpoint whose 200 body has the shape `success`. */
export function readAnswer(answer: RawAnswer, success: SuccessShape): Reading {
	const { status } = answer;
	// Measured before parsing: a body nested thousands of levels deep must not reach a parser or
	// a copy that recurses, and says why it is refused.
	if (answer.tooLarge) return foreign(answer, 'size');
	if (nestsDeeperThan(answer.text, MAX_JSON_DEPTH)) return foreign(answer, 'nesting');
	const body = parseJson(answer.text);
	if (status === 200) {
		const parsed = success.safeParse(body);
		return parsed.success ? { kind: 'success', body: parsed.data } : foreign(answer);
	}
	// Only here: a failed zod parse builds an error, which every success would pay for.
	const serverMessage = errorEnvelope.safeParse(body).data?.detail.error;
	if (isRetryableStatus(status)) {
		return { kind: 'transient', status, serverMessage, retryAfter: answer.retryAfter };
	}
	if (status === 422) {
		const problems = validationProblems(body);
		return problems === undefined ? foreign(answer) : { kind: 'invalidRequest', problems };
	}
	if (serverMessage === undefined || status < 400) return foreign(answer);
	if (status === 404) {
		return isUserNotFound(serverMessage)
			? { kind: 'notFound' }
			: { kind: 'notFoundElse', serverMessage };
	}
	if (status === 401 || status === 403) return { kind: 'rejectedKey', status };
	return { kind: 'refused', status, serverMessage };
}

/**
 * Whether a call that changes something may have been carried out although the answer is not an
 * outcome: whatever answered 2xx (a 200 in an unknown shape, a 201, 202 or 204) may have acted,
 * and so may whatever sent an answer too large to read.
 */
export function mayHaveActedOn(reading: Extract<Reading, { kind: 'foreign' }>): boolean {
	// An answer too large to read may have said anything, a success included.
	return (reading.status >= 200 && reading.status < 300) || reading.unreadable === 'size';
}

/** Whether the answer proves the Base URL reaches ProductBridge's API. */
export function speaksProductBridge(reading: Reading): boolean {
	return reading.kind !== 'foreign' && !(reading.kind === 'transient' && !reading.serverMessage);
}

const MAY_NAME_PROTO = /__proto__|\\u/;

/** JSON as ProductBridge sends it; a key named `__proto__` is dropped so it can never become a prototype. */
export function parseJson(text: string): unknown {
	try {
		// The reviver costs more than the parse; a text that cannot spell the key, even escaped, needs none.
		if (!MAY_NAME_PROTO.test(text)) return JSON.parse(text);
		return JSON.parse(text, (field, value: unknown) => (field === '__proto__' ? undefined : value));
	} catch {
		return undefined;
	}
}

/** ProductBridge's own words for "no such user in this organization"; any other 404 is about something else. */
function isUserNotFound(serverMessage: string): boolean {
	return /^user not found\.?$/i.test(serverMessage.trim());
}

/** Whether JSON text opens more than `limit` arrays or objects inside each other (strings skipped). */
export function nestsDeeperThan(text: string, limit: number): boolean {
	// Nesting past the limit needs more than `limit` opening brackets: short texts need no scan.
	if (text.length <= limit) return false;
	let depth = 0;
	let inString = false;
	for (let index = 0; index < text.length; index++) {
		const char = text.charCodeAt(index);
		if (inString) {
			if (char === BACKSLASH) index++;
			else if (char === QUOTE) inString = false;
		} else if (char === QUOTE) inString = true;
		else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
			if (++depth > limit) return true;
		} else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) depth--;
	}
	return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function validationProblems(body: unknown): string | undefined {
	const parsed = validationEnvelope.safeParse(body);
	if (!parsed.success) return undefined;
	return parsed.data.detail
		.map(({ loc, msg }) => {
			const field = (loc ?? []).filter((part) => part !== 'body').join('.');
			return field ? `${field}: ${msg}` : msg;
		})
		.join('; ');
}

function foreign(answer: RawAnswer, unreadable?: 'size' | 'nesting'): Reading {
	return {
		kind: 'foreign',
		status: answer.status,
		contentType: answer.contentType,
		text: answer.text,
		location: answer.location,
		...(unreadable ? { unreadable } : {}),
	};
}
