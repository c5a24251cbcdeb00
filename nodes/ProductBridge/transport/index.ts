import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import {
	backoffDelay,
	classifyNetworkError,
	pause,
	retryAfterDelay,
	RETRYABLE_STATUSES,
	UNCERTAIN_STATUSES,
} from './retryPolicy';

export const CREDENTIAL_TYPE = 'productBridgeApi';
const API_PATH = '/api/external/v1';

export type Endpoint = '/users/delete' | '/users/retrieve';

export interface TransportSettings {
	maxRetries: number;
	requestTimeout: number;
}

/** What came back for one logical call, after retries. */
export type ApiOutcome =
	| {
			kind: 'answer';
			statusCode: number;
			body: unknown;
			attempts: number;
			/** An earlier attempt may have reached the server before this answer (timeout, reset, 502/504). */
			afterUncertainAttempt: boolean;
	  }
	| {
			kind: 'unreachable';
			code: string;
			message: string;
			attempts: number;
			afterUncertainAttempt: boolean;
	  };

/** Holds every worker back while the server has asked us to slow down. */
class PauseGate {
	private resumeAt = 0;

	pauseFor(ms: number): void {
		this.resumeAt = Math.max(this.resumeAt, Date.now() + ms);
	}

	async wait(signal?: AbortSignal): Promise<void> {
		for (
			let delay = this.resumeAt - Date.now();
			delay > 0 && !signal?.aborted;
			delay = this.resumeAt - Date.now()
		) {
			await pause(delay, signal);
		}
	}
}

/**
 * The one place that talks HTTP to ProductBridge. One client serves one node execution: the
 * credential is read once, a 401 stops all further requests, a rate limit pauses every worker,
 * and identical calls (duplicate items) are sent once.
 */
export class ProductBridgeClient {
	private readonly gate = new PauseGate();

	private readonly inFlightOrDone = new Map<string, Promise<ApiOutcome>>();

	private rejectedKey: ApiOutcome | undefined;

	private readonly context: IExecuteFunctions;

	private readonly credentials: ICredentialDataDecryptedObject;

	private readonly settings: TransportSettings;

	readonly baseUrl: string;

	private constructor(
		context: IExecuteFunctions,
		credentials: ICredentialDataDecryptedObject,
		settings: TransportSettings,
	) {
		this.context = context;
		this.credentials = credentials;
		this.settings = settings;
		this.baseUrl = normalizeBaseUrl(credentials.baseUrl);
	}

	static async create(
		context: IExecuteFunctions,
		settings: TransportSettings,
	): Promise<ProductBridgeClient> {
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		return new ProductBridgeClient(context, credentials, settings);
	}

	/** Removes the API key from any text that is about to leave the node (messages, details). */
	redact(text: string): string {
		const apiKey =
			typeof this.credentials.apiKey === 'string' ? this.credentials.apiKey.trim() : '';
		return apiKey.length > 0 ? text.split(apiKey).join('[redacted]') : text;
	}

	/** Sends the call once per distinct endpoint and payload; later identical calls share the outcome. */
	async post(endpoint: Endpoint, payload: IDataObject): Promise<ApiOutcome> {
		const key = `${endpoint} ${JSON.stringify(payload)}`;
		let outcome = this.inFlightOrDone.get(key);
		if (outcome === undefined) {
			outcome = this.postWithRetries(endpoint, payload);
			this.inFlightOrDone.set(key, outcome);
		}
		return await outcome;
	}

	private async postWithRetries(endpoint: Endpoint, payload: IDataObject): Promise<ApiOutcome> {
		const signal = this.context.getExecutionCancelSignal();
		let afterUncertainAttempt = false;
		for (let attempt = 1; ; attempt++) {
			if (this.rejectedKey) return this.rejectedKey;
			await this.gate.wait(signal);
			const isLastAttempt = attempt > this.settings.maxRetries || signal?.aborted === true;
			let response: IN8nHttpFullResponse;
			try {
				response = await this.send(endpoint, payload);
			} catch (error) {
				const { code, message, retryable, mayHaveReachedServer } = classifyNetworkError(error);
				if (!retryable || isLastAttempt) {
					return { kind: 'unreachable', code, message, attempts: attempt, afterUncertainAttempt };
				}
				afterUncertainAttempt ||= mayHaveReachedServer;
				await pause(backoffDelay(attempt), signal);
				continue;
			}
			const { statusCode, body, headers } = response;
			const outcome: ApiOutcome = {
				kind: 'answer',
				statusCode,
				body,
				attempts: attempt,
				afterUncertainAttempt,
			};
			if (statusCode === 401) {
				this.rejectedKey = outcome;
				return outcome;
			}
			if (!RETRYABLE_STATUSES.has(statusCode) || isLastAttempt) return outcome;
			afterUncertainAttempt ||= UNCERTAIN_STATUSES.has(statusCode);
			const serverDelay = retryAfterDelay(headers['retry-after']);
			if (statusCode === 429 || serverDelay !== undefined) {
				// The server speaks to the whole node, not to this one request: hold every worker.
				this.gate.pauseFor(serverDelay ?? backoffDelay(attempt));
			} else {
				await pause(backoffDelay(attempt), signal);
			}
		}
	}

	private async send(endpoint: Endpoint, payload: IDataObject): Promise<IN8nHttpFullResponse> {
		return (await this.context.helpers.httpRequestWithAuthentication.call(
			this.context,
			CREDENTIAL_TYPE,
			{
				method: 'POST',
				url: `${this.baseUrl}${API_PATH}${endpoint}`,
				body: { ...payload },
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: this.settings.requestTimeout,
			},
			{
				credentialsDecrypted: {
					id: '',
					name: CREDENTIAL_TYPE,
					type: CREDENTIAL_TYPE,
					data: this.credentials,
				},
			},
		)) as IN8nHttpFullResponse;
	}
}

/** Accepts the host alone or a URL that already ends in the API path, with or without a slash. */
export function normalizeBaseUrl(baseUrl: unknown): string {
	const text = typeof baseUrl === 'string' ? baseUrl.trim() : '';
	return text.replace(/\/+$/, '').replace(/\/api\/external\/v1$/, '');
}
