/**
 * Why a call to ProductBridge gave no outcome. Everything in it is already redacted: it is what
 * the user reads, and nothing of the answer is kept beyond it.
 */
export type FailureKind =
	/** 401 in ProductBridge's envelope. Stops every further request of the execution. */
	| 'rejectedKey'
	/** The Base URL does not lead to ProductBridge's API (redirect, foreign 404, unknown shape). Stops every further request. */
	| 'notProductBridge'
	/** The credential's Base URL itself is unusable; nothing was sent. */
	| 'invalidBaseUrl'
	/** ProductBridge refused this request (400, 422…): sending it again will not help. */
	| 'refused'
	/** Rate limits, server errors or the network outlasted every retry. */
	| 'gaveUp'
	/** The execution was cancelled before an answer came. */
	| 'cancelled';

export class ProductBridgeFailure extends Error {
	readonly kind: FailureKind;

	readonly description: string;

	/** The HTTP status that decided it, if one did. */
	readonly httpCode?: string;

	/** An attempt may have been carried out although no answer says so: check before running again. */
	readonly outcomeUnknown: boolean;

	constructor(
		kind: FailureKind,
		text: { message: string; description: string; httpCode?: string },
		outcomeUnknown = false,
	) {
		super(text.message);
		this.name = 'ProductBridgeFailure';
		this.kind = kind;
		this.description = text.description;
		this.httpCode = text.httpCode;
		this.outcomeUnknown = outcomeUnknown;
	}

	/** The same failure for a call that may have been carried out before the run stopped. */
	withUnknownOutcome(): ProductBridgeFailure {
		if (this.outcomeUnknown) return this;
		return markUnknown(this.kind, {
			message: this.message,
			description: this.description,
			httpCode: this.httpCode,
		});
	}
}

const CREDENTIAL_HINT =
	"Open the node's 'ProductBridge API' credential and paste your organization's active public API key (ProductBridge → Settings → API).";

const ERROR_BRANCH_HINT =
	"To send failed items to an error branch, set the node's Settings → On Error to 'Continue (using error output)'.";

/** Advice for a failure that outlasted the retries; fewer requests in flight only helps if there were several. */
function retryHint(oneAtATime: boolean): string {
	const fewer = oneAtATime ? '' : "Lower 'Concurrency' or ";
	const raise = oneAtATime ? "Raise 'Max Retries'" : "raise 'Max Retries'";
	return `${fewer}${raise} in the node's Options. ${ERROR_BRANCH_HINT}`;
}

function seconds(ms: number): string {
	const value = ms / 1000;
	return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} s`;
}

const BASE_URL_HINT =
	"Check the credential's Base URL: ProductBridge's is https://api.productbridge.io (the node adds /api/external/v1).";

const NO_FURTHER_REQUESTS = 'No further requests were sent in this execution.';

const OUTCOME_UNKNOWN =
	'An earlier try may have reached ProductBridge before its answer was lost, so it may already have been carried out: check in ProductBridge before running this item again.';

/** The texts of each failure, in one place. `summary` arguments are already redacted. */
export const failures = {
	rejectedKey: () =>
		new ProductBridgeFailure('rejectedKey', {
			message: 'ProductBridge rejected the API key',
			description: `${CREDENTIAL_HINT} ${NO_FURTHER_REQUESTS}`,
			httpCode: '401',
		}),

	invalidBaseUrl: (problem: string) =>
		new ProductBridgeFailure('invalidBaseUrl', {
			message: problem,
			description: `${BASE_URL_HINT} ${NO_FURTHER_REQUESTS}`,
		}),

	notProductBridge: (host: string, status: number, summary: string, outcomeUnknown: boolean) =>
		new ProductBridgeFailure(
			'notProductBridge',
			{
				message: `The Base URL does not lead to ProductBridge's API: ${host} answered HTTP ${status}, not in ProductBridge's format`,
				description: [
					outcomeUnknown ? OUTCOME_UNKNOWN : '',
					`It answered: ${summary}.`,
					status >= 300 && status < 400
						? 'ProductBridge never redirects; the key was not sent on.'
						: '',
					BASE_URL_HINT,
					NO_FURTHER_REQUESTS,
				]
					.filter(Boolean)
					.join(' '),
				httpCode: String(status),
			},
			outcomeUnknown,
		),

	refused: (status: number, serverSays: string, outcomeUnknown: boolean) =>
		withUnknownOutcome(
			{
				message:
					status === 422
						? 'ProductBridge rejected the request as invalid'
						: `ProductBridge refused the request (HTTP ${status}): ${serverSays}`,
				description: status === 422 ? serverSays : `ProductBridge says: ${serverSays}`,
				httpCode: String(status),
			},
			'refused',
			outcomeUnknown,
		),

	/**
	 * A 429 or 503 asked for a wait the item's time budget cannot cover. `alreadyPaused`: the ask
	 * came from an earlier answer (another item or run on the same key), not this item's own.
	 */
	waitTooLong: (
		wait: {
			askedMs: number | undefined;
			leftMs: number;
			budgetMs: number;
			alreadyPaused: boolean;
		},
		oneAtATime: boolean,
		outcomeUnknown: boolean,
	) =>
		withUnknownOutcome(
			{
				message:
					wait.askedMs === undefined
						? `ProductBridge kept rate-limiting the requests for longer than 'Max Wait for Rate Limits' allows (${seconds(wait.budgetMs)})`
						: `ProductBridge asked to wait ${seconds(wait.askedMs)} before the next request, longer than this item could still wait (${seconds(wait.leftMs)} of 'Max Wait for Rate Limits')`,
				description: [
					wait.alreadyPaused
						? 'The rate limit (429 or 503 with Retry-After) was met by an earlier request with the same API key in this n8n process; nothing more was sent for this item.'
						: 'The rate limit (429 or 503 with Retry-After) said when to come back.',
					`Raise 'Max Wait for Rate Limits' in the node's Options (now ${seconds(wait.budgetMs)}) to wait that long, or run the item again later.`,
					oneAtATime
						? 'Other executions or workflows using the same API key share its rate limit: run fewer of them at once.'
						: "Lowering 'Concurrency' or running fewer executions with the same API key at once also leaves more room.",
					ERROR_BRANCH_HINT,
				].join(' '),
				httpCode: '429',
			},
			'gaveUp',
			outcomeUnknown,
		),

	gaveUpOnStatus: (
		status: number,
		attempts: number,
		serverSays: string | undefined,
		outcomeUnknown: boolean,
		oneAtATime: boolean,
	) =>
		withUnknownOutcome(
			{
				message:
					status === 429
						? `ProductBridge kept rate-limiting the requests${afterAttempts(attempts)}`
						: `ProductBridge failed with a server error (HTTP ${status})${afterAttempts(attempts)}`,
				description: `${serverSays ?? (status === 429 ? 'Too many requests' : 'A ProductBridge-side fault or outage, or a gateway in front of it')}. ${retryHint(oneAtATime)}`,
				httpCode: String(status),
			},
			'gaveUp',
			outcomeUnknown,
		),

	unreachable: (
		host: string,
		network: { code: string; message: string },
		attempts: number,
		retryable: boolean,
		outcomeUnknown: boolean,
		oneAtATime: boolean,
	) =>
		withUnknownOutcome(
			{
				message: `Could not reach ProductBridge at ${host}${afterAttempts(attempts)}`,
				// No httpCode: n8n would replace the message with its own text for a network code.
				description: `${network.code}: ${network.message}. Check the credential's Base URL and the network.${retryable ? ` ${retryHint(oneAtATime)}` : ''}`,
			},
			'gaveUp',
			outcomeUnknown,
		),

	cancelled: (outcomeUnknown: boolean) =>
		withUnknownOutcome(
			{
				message: 'The execution was cancelled before ProductBridge answered',
				description: 'Nothing further was sent.',
			},
			'cancelled',
			outcomeUnknown,
		),
};

function withUnknownOutcome(
	text: { message: string; description: string; httpCode?: string },
	kind: FailureKind,
	outcomeUnknown: boolean,
): ProductBridgeFailure {
	return outcomeUnknown ? markUnknown(kind, text) : new ProductBridgeFailure(kind, text);
}

function markUnknown(
	kind: FailureKind,
	text: { message: string; description: string; httpCode?: string },
): ProductBridgeFailure {
	return new ProductBridgeFailure(
		kind,
		{
			...text,
			message: `${text.message}; the outcome is unknown`,
			description: `${OUTCOME_UNKNOWN} ${text.description}`,
		},
		true,
	);
}

function afterAttempts(attempts: number): string {
	return attempts > 1 ? ` (after ${attempts} attempts)` : '';
}
