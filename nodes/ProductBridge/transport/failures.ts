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
	/** Nothing can leave the process (no key, a host n8n's SSRF protection blocks): stops every request. */
	| 'notSendable'
	/** The run stopped before this call was finished, and sent nothing more for it. */
	| 'halted'
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

	/** No request of this call left the process: running it again is safe. */
	readonly nothingSent: boolean;

	constructor(
		kind: FailureKind,
		text: { message: string; description: string; httpCode?: string },
		outcomeUnknown = false,
		nothingSent = false,
	) {
		super(text.message);
		this.name = 'ProductBridgeFailure';
		this.kind = kind;
		this.description = text.description;
		this.httpCode = text.httpCode;
		this.outcomeUnknown = outcomeUnknown;
		this.nothingSent = nothingSent && !outcomeUnknown;
	}

	/** The same failure for a call none of whose requests left the process. */
	withNothingSent(): ProductBridgeFailure {
		if (this.nothingSent || this.outcomeUnknown) return this;
		const text = { message: this.message, description: this.description, httpCode: this.httpCode };
		return new ProductBridgeFailure(this.kind, text, false, true);
	}

	/** The same failure for a call that may have been carried out before the run stopped. */
	withOutcomeUnknown(): ProductBridgeFailure {
		if (this.outcomeUnknown) return this;
		return outcomeUnknownFailure(this.kind, {
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

const NOTHING_SENT = 'Nothing was sent to ProductBridge in this execution.';

const OUTCOME_UNKNOWN =
	"This request, or an earlier attempt of it, may have been carried out although no answer in ProductBridge's format says so (an answer was lost, cut off or not ProductBridge's): check in ProductBridge before running this item again.";

/** The texts of each failure, in one place. `summary` arguments are already redacted. */
export const failures = {
	rejectedKey: (status: 401 | 403 = 401) =>
		new ProductBridgeFailure('rejectedKey', {
			message:
				status === 403
					? 'ProductBridge denied this API key access (HTTP 403)'
					: 'ProductBridge rejected the API key',
			description: `${status === 403 ? 'The key is known to ProductBridge but may not use its public API. ' : ''}${CREDENTIAL_HINT} ${NO_FURTHER_REQUESTS}`,
			httpCode: String(status),
		}),

	/** A 404 in ProductBridge's envelope that is not about the user: the key or URL is wrong, for every item. */
	notFoundElse: (serverSays: string, outcomeUnknown: boolean) =>
		new ProductBridgeFailure(
			'notProductBridge',
			{
				message: `ProductBridge answered HTTP 404 about something other than the user: ${serverSays}`,
				description: [
					outcomeUnknown ? OUTCOME_UNKNOWN : '',
					"This is not a 'user not found': the request did not reach this organization's users.",
					CREDENTIAL_HINT,
					BASE_URL_HINT,
					NO_FURTHER_REQUESTS,
				]
					.filter(Boolean)
					.join(' '),
				httpCode: '404',
			},
			outcomeUnknown,
		),

	invalidBaseUrl: (problem: string) =>
		new ProductBridgeFailure(
			'invalidBaseUrl',
			{ message: problem, description: `${BASE_URL_HINT} ${NO_FURTHER_REQUESTS}` },
			false,
			true,
		),

	noKey: (): ProductBridgeFailure =>
		failures.notSendable("the 'ProductBridge API' credential has no API key", CREDENTIAL_HINT),

	keptInProcess: (host: string, reason: string): ProductBridgeFailure =>
		failures.notSendable(
			`n8n kept the request to ${host} from leaving (${reason})`,
			`${BASE_URL_HINT} If n8n's SSRF protection (N8N_SSRF_PROTECTION_ENABLED) blocks a host where ProductBridge is meant to be, ask your n8n administrator to allow it.`,
		),

	/** The key or the Base URL keeps every request in the process: a configuration to fix, not an outcome. */
	notSendable: (problem: string, hint: string): ProductBridgeFailure =>
		new ProductBridgeFailure(
			'notSendable',
			{ message: `Nothing was sent: ${problem}`, description: `${hint} ${NOTHING_SENT}` },
			false,
			true,
		),

	/**
	 * A call the run stopped before it was finished. `sentBefore`: an earlier attempt of it left, and
	 * was answered in a way that says it was not carried out (or never reached ProductBridge).
	 */
	halted: (reason: string, progress: 'notSent' | 'notCarriedOut' | 'unknown') => {
		if (progress === 'unknown') {
			return outcomeUnknownFailure('halted', {
				message: `The run stopped before ProductBridge answered: ${reason}`,
				description: 'No further attempt was sent for this item.',
			});
		}
		const notSent = progress === 'notSent';
		return new ProductBridgeFailure(
			'halted',
			{
				message: `${notSent ? 'Not sent' : 'Not carried out'}: ${reason}`,
				description: notSent
					? 'Nothing was sent to ProductBridge for this item: it is safe to run it again.'
					: 'An earlier attempt for this item was refused or never reached ProductBridge, and no further attempt was sent: it is safe to run it again.',
			},
			false,
			notSent,
		);
	},

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
		failureOf(
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
			/** The answer that asked for the wait (429, or 503 with Retry-After), when it was this item's. */
			status?: number;
		},
		oneAtATime: boolean,
		outcomeUnknown: boolean,
	) =>
		failureOf(
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
				httpCode: wait.status === undefined ? undefined : String(wait.status),
			},
			'gaveUp',
			outcomeUnknown,
		),

	/** No slot in the shared queue while the API answered none of the key's requests for `stallMs`. */
	noTurn: (stallMs: number, progress: { outcomeUnknown: boolean; sentAny: boolean }) => {
		const text = {
			message: `No turn to send this request: ProductBridge answered none of the requests ahead of it with the same API key for ${seconds(stallMs)}`,
			description: [
				`The requests sent before this one with the same API key in this n8n process (by this run or other executions) got no answer; ${progress.sentAny ? "this item's next attempt was not sent" : 'nothing was sent for this item'}.`,
				"Check that ProductBridge is up and the Base URL is right. This item waited as long as its 'Max Wait for Rate Limits' allows (never less than its Request Timeout): raise that option to wait longer.",
				ERROR_BRANCH_HINT,
			].join(' '),
		};
		if (progress.outcomeUnknown) return outcomeUnknownFailure('gaveUp', text);
		return new ProductBridgeFailure('gaveUp', text, false, !progress.sentAny);
	},

	gaveUpOnStatus: (
		status: number,
		attempts: number,
		serverSays: string | undefined,
		outcomeUnknown: boolean,
		oneAtATime: boolean,
	) =>
		failureOf(
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
		failureOf(
			{
				message: `Could not reach ProductBridge at ${host}${afterAttempts(attempts)}`,
				// No httpCode: n8n would replace the message with its own text for a network code.
				description: `${network.code}: ${network.message}. Check the credential's Base URL and the network.${retryable ? ` ${retryHint(oneAtATime)}` : ''}`,
			},
			'gaveUp',
			outcomeUnknown,
		),

	cancelled: (outcomeUnknown: boolean) =>
		failureOf(
			{
				message: 'The execution was cancelled before ProductBridge answered',
				description: 'Nothing further was sent.',
			},
			'cancelled',
			outcomeUnknown,
		),
};

/** The failure, marked "the outcome is unknown" when it is. */
function failureOf(
	text: { message: string; description: string; httpCode?: string },
	kind: FailureKind,
	outcomeUnknown: boolean,
): ProductBridgeFailure {
	return outcomeUnknown ? outcomeUnknownFailure(kind, text) : new ProductBridgeFailure(kind, text);
}

function outcomeUnknownFailure(
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
