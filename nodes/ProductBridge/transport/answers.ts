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
}

export type Reading =
	| { kind: 'success'; body: unknown }
	| { kind: 'notFound' }
	| { kind: 'rejectedKey' }
	/** A 400 or other refusal in ProductBridge's envelope. */
	| { kind: 'refused'; status: number; serverMessage: string }
	/** FastAPI's 422 list, one line per offending field (the echoed `input` is dropped). */
	| { kind: 'invalidRequest'; problems: string }
	/** Worth another attempt (429, 5xx, 408), whoever sent it. */
	| { kind: 'transient'; status: number; serverMessage?: string; retryAfter?: unknown }
	/** Not ProductBridge's documented shape: a wrong Base URL, a proxy, a redirect. */
	| { kind: 'foreign'; status: number; contentType: string; text: string; location?: string };

/** Reads one HTTP answer of an endpoint whose 200 body has the shape `success`. */
export function readAnswer(answer: RawAnswer, success: SuccessShape): Reading {
	const { status } = answer;
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
	if (status === 404) return { kind: 'notFound' };
	if (status === 401) return { kind: 'rejectedKey' };
	return { kind: 'refused', status, serverMessage };
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

function foreign(answer: RawAnswer): Reading {
	return {
		kind: 'foreign',
		status: answer.status,
		contentType: answer.contentType,
		text: answer.text,
		location: answer.location,
	};
}
