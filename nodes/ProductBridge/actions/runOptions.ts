import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

// Eight in flight: eight times sequential throughput, still polite to an API that documents no
// rate limit; a 429 slows every worker down anyway.
const DEFAULT_CONCURRENCY = 8;
const DEFAULT_MAX_RETRIES = 5;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface RunOptions {
	concurrency: number;
	maxRetries: number;
	requestTimeout: number;
}

export const runOptionsDescription: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
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
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 64 },
			default: DEFAULT_CONCURRENCY,
			description:
				'How many requests may be in flight at once. Output order stays the input order.',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: DEFAULT_MAX_RETRIES,
			description:
				'How often to retry a request that met a rate limit (429), a gateway or availability error (502, 503, 504) or a network failure. 400, 401, 404 and 422 are never retried.',
		},
		{
			displayName: 'Request Timeout (Ms)',
			name: 'requestTimeout',
			type: 'number',
			typeOptions: { minValue: 1000 },
			default: DEFAULT_REQUEST_TIMEOUT_MS,
			description: 'How long to wait for one answer before retrying it, in milliseconds',
		},
	],
};

export function readRunOptions(context: IExecuteFunctions): RunOptions {
	const chosen = context.getNodeParameter('options', 0, {}) as Partial<RunOptions>;
	return {
		concurrency: chosen.concurrency ?? DEFAULT_CONCURRENCY,
		maxRetries: chosen.maxRetries ?? DEFAULT_MAX_RETRIES,
		requestTimeout: chosen.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS,
	};
}
