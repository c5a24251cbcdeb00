import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { describeValue } from '../helpers/describeValue';

// A cap, not a fixed number: the transport starts with one request in flight and adapts to how
// ProductBridge answers (see transport/flow/traffic.ts). High enough that a default run reaches the
// fast regime; a 429 or 503 shrinks the window anyway.
const DEFAULT_CONCURRENCY = 32;
const DEFAULT_MAX_RETRIES = 5;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
// Long enough for a burst of one-item executions on one key to drain: 60 webhooks against an API
// that allows 3 requests a second need 20 s; a bulk run ahead of them in the queue needs more.
const DEFAULT_MAX_RATE_LIMIT_WAIT_S = 300;

/** The UI's bounds, enforced again at run time: an expression can put anything in an option. */
const LIMITS = {
	concurrency: { label: 'Concurrency', min: 1, max: 64, fallback: DEFAULT_CONCURRENCY },
	maxRetries: { label: 'Max Retries', min: 0, max: 10, fallback: DEFAULT_MAX_RETRIES },
	requestTimeout: {
		label: 'Request Timeout (Ms)',
		min: 1000,
		max: 600_000,
		fallback: DEFAULT_REQUEST_TIMEOUT_MS,
	},
	maxRateLimitWait: {
		label: 'Max Wait for Rate Limits (S)',
		min: 0,
		max: 3600,
		fallback: DEFAULT_MAX_RATE_LIMIT_WAIT_S,
	},
} as const;

export interface RunOptions {
	concurrency: number;
	maxRetries: number;
	requestTimeout: number;
	maxRateLimitWait: number;
}

/** In alphabetical order, as n8n's lint asks of a collection with five options or more. */
export const runOptionsDescription: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: LIMITS.concurrency.min, maxValue: LIMITS.concurrency.max },
			default: DEFAULT_CONCURRENCY,
			description:
				'The most requests in flight at once. The node starts with one, opens up while ProductBridge answers promptly and backs off on rate limits (429), 503s and timeouts. Output order stays the input order.',
		},
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description:
				"Whether to only look each user up and report 'would_delete' or 'not_found', deleting nothing: a safe rehearsal of a big batch",
			displayOptions: { show: { '/operation': ['delete'] } },
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: LIMITS.maxRetries.min, maxValue: LIMITS.maxRetries.max },
			default: DEFAULT_MAX_RETRIES,
			description:
				"How often to retry a request that met a timeout (408), a server or gateway error (500, 502, 504 and the like, or a 503 that does not say when to come back) or a network failure. Rate limits do not count here: see 'Max Wait for Rate Limits'. 400, 401, 404 and 422 are never retried.",
		},
		{
			displayName: 'Max Wait for Rate Limits (S)',
			name: 'maxRateLimitWait',
			type: 'number',
			typeOptions: {
				minValue: LIMITS.maxRateLimitWait.min,
				maxValue: LIMITS.maxRateLimitWait.max,
			},
			default: DEFAULT_MAX_RATE_LIMIT_WAIT_S,
			description:
				'How long one item may wait in all, in seconds, when ProductBridge says "not yet" (429, or 503 with Retry-After). Every execution in this n8n process with the same API key waits its turn in arrival order. When ProductBridge asks for a longer wait than is left, the item fails at once.',
		},
		{
			displayName: 'Request Timeout (Ms)',
			name: 'requestTimeout',
			type: 'number',
			typeOptions: { minValue: LIMITS.requestTimeout.min, maxValue: LIMITS.requestTimeout.max },
			default: DEFAULT_REQUEST_TIMEOUT_MS,
			description:
				'How long one attempt may take, from sending it to the last byte of the answer, before it is retried; in milliseconds',
		},
		{
			displayName: 'Verify Removal',
			name: 'verifyRemoval',
			type: 'boolean',
			default: false,
			description:
				"Whether to ask ProductBridge for each removed user afterwards and record in 'verified' that it no longer lists them: proof of the end state for audits and GDPR requests, at one more request per item",
			displayOptions: { show: { '/operation': ['delete'] } },
		},
	],
};

/** The options as numbers within the UI's bounds; a clear error naming the option otherwise. */
export function readRunOptions(context: IExecuteFunctions): RunOptions {
	const chosen = context.getNodeParameter('options', 0, {}) as Record<string, unknown>;
	const read = (name: keyof typeof LIMITS): number => {
		const { label, min, max, fallback } = LIMITS[name];
		// An option that is set but evaluates to nothing is a mistake to report, not a default.
		const value = Object.prototype.hasOwnProperty.call(chosen, name) ? chosen[name] : fallback;
		// An expression may hand over "8" for 8; nothing looser than whole digits is taken.
		const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
		if (typeof number === 'number' && Number.isInteger(number) && number >= min && number <= max) {
			return number;
		}
		throw new NodeOperationError(
			context.getNode(),
			`Options → ${label} must be a whole number from ${min} to ${max}, not ${describeValue(value)}`,
			{ description: `Check the value or the expression in the node's Options → ${label}.` },
		);
	};
	return {
		concurrency: read('concurrency'),
		maxRetries: read('maxRetries'),
		requestTimeout: read('requestTimeout'),
		maxRateLimitWait: read('maxRateLimitWait'),
	};
}
