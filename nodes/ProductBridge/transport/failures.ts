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

const RETRY_HINT =
	"Lower 'Concurrency' or raise 'Max Retries' in the node's Options; to send failed items to an error branch, set the node's Settings → On Error to 'Continue (using error output)'.";

const BASE_URL_HINT =
	"Check the credential's Base URL: ProductBridge's is https://api.productbridge.io (the node adds /api/external/v1).";

const NO_FURTHER_REQUESTS = 'No further requests were sent in this execution.';

const OUTCOME_UNKNOWN =
	'An earlier try may have reached ProductBridge before its answer was lost, so it may already have been carried out: check in ProductBridge before running this item again.';

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

	gaveUpOnStatus: (
		status: number,
		attempts: number,
		serverSays: string | undefined,
		outcomeUnknown: boolean,
	) =>
		withUnknownOutcome(
			{
				message:
					status === 429
						? `ProductBridge kept rate-limiting the requests${afterAttempts(attempts)}`
						: `ProductBridge failed with a server error (HTTP ${status})${afterAttempts(attempts)}`,
				description: `${serverSays ?? (status === 429 ? 'Too many requests' : 'A ProductBridge-side fault or outage, or a gateway in front of it')}. ${RETRY_HINT}`,
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
	) =>
		withUnknownOutcome(
			{
				message: `Could not reach ProductBridge at ${host}${afterAttempts(attempts)}`,
				// No httpCode: n8n would replace the message with its own text for a network code.
				description: `${network.code}: ${network.message}. Check the credential's Base URL and the network.${retryable ? ` ${RETRY_HINT}` : ''}`,
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
