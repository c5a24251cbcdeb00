import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import type { RawAnswer, Reading, SuccessShape } from './answers';
import { deletedBody, mayHaveActedOn, readAnswer, speaksProductBridge, userBody } from './answers';
import { readBaseUrl } from './baseUrl';
import { failures, ProductBridgeFailure } from './failures';
import type { NetworkFailure } from './retryPolicy';
import { classifyNetworkError, decideRetry, pause } from './retryPolicy';
import { Redactor } from './redaction';
import { canonicalUuid } from './uuid';
import { StartPacer } from './pacing';
import type { Signal } from './traffic';
import { PauseGate, RequestWindow } from './traffic';

export const CREDENTIAL_TYPE = 'productBridgeApi';

export interface TransportSettings {
	/** The most requests in flight at once; the node adapts below it. */
	concurrency: number;
	maxRetries: number;
	/** A deadline for each attempt, from sending to the last byte of the answer. */
	requestTimeout: number;
}

/** `/users/delete`: gone now, or not linked. `afterLostAnswer`: an earlier try may have removed them. */
export type DeleteResult = { deleted: true } | { deleted: false; afterLostAnswer: boolean };

/** The user object as ProductBridge returned it, cleaned of anything that must not reach an item. */
export type ProductBridgeUser = IDataObject & {
	user_id: string;
	email?: string | null;
	name?: string | null;
};

export type RetrieveResult = { found: true; user: ProductBridgeUser } | { found: false };

export type UserLookup = { user_id: string } | { email: string };

interface Endpoint {
	path: '/users/delete' | '/users/retrieve';
	success: SuccessShape;
	/** Whether the call changes something, so that a lost answer leaves its outcome unknown. */
	acts: boolean;
}

const DELETE: Endpoint = { path: '/users/delete', success: deletedBody, acts: true };
const RETRIEVE: Endpoint = { path: '/users/retrieve', success: userBody, acts: false };

type Settled = { kind: 'success'; body: unknown } | { kind: 'notFound'; mayHaveActed: boolean };

type AttemptResult = RawAnswer | ({ networkCode: string } & NetworkFailure);

type Exchange = { reading: Reading; sentAt: number } | ({ networkCode: string } & NetworkFailure);

/** What an attempt's deadline says when it comes first. */
const OVERTAKEN: ReadonlySet<string> = new Set(['ETIMEDOUT', 'ECANCELED']);

/** Signs that the API or a gateway in front of it is overloaded. */
const CONGESTION_STATUSES: ReadonlySet<number> = new Set([408, 429, 503, 504]);
const CONGESTION_CODES: ReadonlySet<string> = new Set([
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
]);

/**
 * The one place that talks to ProductBridge. One client serves one node execution: the
 * credential is read and checked once, the first request goes alone until an answer proves the
 * Base URL reaches the API (then the window of requests in flight adapts), a rejected key or a foreign answer stops every further request, a
 * rate limit pauses every request, and identical calls (duplicate items) are sent once. Results
 * are typed; failures are `ProductBridgeFailure`s whose texts are already redacted.
 */
export class ProductBridgeClient {
	private readonly pauses = new PauseGate();

	private readonly window: RequestWindow;

	private readonly pacer = new StartPacer();

	private readonly calls = new Map<string, Promise<Settled>>();

	private stopped: ProductBridgeFailure | undefined;

	private readonly redactor: Redactor;

	private readonly apiRoot: string;

	private readonly host: string;

	private readonly context: IExecuteFunctions;

	private readonly credentials: ICredentialDataDecryptedObject;

	private readonly settings: TransportSettings;

	private constructor(
		context: IExecuteFunctions,
		credentials: ICredentialDataDecryptedObject,
		settings: TransportSettings,
	) {
		this.context = context;
		this.credentials = credentials;
		this.settings = settings;
		this.window = new RequestWindow(settings.concurrency);
		this.redactor = new Redactor(credentials.apiKey);
		const baseUrl = readBaseUrl(credentials.baseUrl);
		if (baseUrl.ok) {
			this.apiRoot = baseUrl.apiRoot;
			this.host = baseUrl.host;
		} else {
			this.apiRoot = '';
			this.host = '';
			this.stopped = failures.invalidBaseUrl(this.redact(baseUrl.problem));
		}
	}

	static async create(
		context: IExecuteFunctions,
		settings: TransportSettings,
	): Promise<ProductBridgeClient> {
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		return new ProductBridgeClient(context, credentials, settings);
	}

	redact(text: string): string {
		return this.redactor.redact(text);
	}

	async deleteUser(canonicalUserId: string): Promise<DeleteResult> {
		const settled = await this.call(DELETE, { user_id: canonicalUserId });
		if (settled.kind === 'success') return { deleted: true };
		return { deleted: false, afterLostAnswer: settled.mayHaveActed };
	}

	async retrieveUser(lookup: UserLookup): Promise<RetrieveResult> {
		const settled = await this.call(RETRIEVE, lookup);
		if (settled.kind === 'notFound') return { found: false };
		const answer = settled.body as ProductBridgeUser;
		// The answer must be about the user asked for: a cache or a lenient server in between must
		// never make the node delete somebody else.
		const asked =
			'email' in lookup
				? answer.email === lookup.email
				: canonicalUuid(answer.user_id) === canonicalUuid(lookup.user_id);
		if (!asked) {
			throw this.stop(
				failures.notProductBridge(this.host, 200, 'a user other than the one asked for', false),
			);
		}
		// The id is a checked UUID and is used as it came; everything else passes through redaction.
		const user = this.redactor.clean(answer) as ProductBridgeUser;
		return { found: true, user: { ...user, user_id: answer.user_id } };
	}

	/** Sends the call once per distinct endpoint and payload; later identical calls share the outcome. */
	private async call(endpoint: Endpoint, payload: IDataObject): Promise<Settled> {
		const key = `${endpoint.path} ${JSON.stringify(payload)}`;
		let settled = this.calls.get(key);
		if (settled === undefined) {
			settled = this.callWithRetries(endpoint, payload);
			this.calls.set(key, settled);
		}
		return await settled;
	}

	private async callWithRetries(endpoint: Endpoint, payload: IDataObject): Promise<Settled> {
		let mayHaveActed = false;
		const unknownOutcome = () => endpoint.acts && mayHaveActed;
		for (let attempt = 1; ; attempt++) {
			if (this.stopped) throw this.stoppedFor(unknownOutcome());
			await this.pauses.wait(() => this.isCancelled());
			if (this.isCancelled()) throw failures.cancelled(unknownOutcome());

			const result = await this.exchange(endpoint, payload);
			if (result === undefined && !this.stopped) throw failures.cancelled(unknownOutcome());
			if (result === undefined) throw this.stoppedFor(unknownOutcome());
			if ('networkCode' in result) {
				const decision = decideRetry(result, attempt, this.settings.maxRetries);
				mayHaveActed ||= decision.mayHaveActed;
				if (!decision.retry) {
					throw failures.unreachable(
						this.host,
						{ code: result.code, message: this.redactor.summarize(result.message) },
						attempt,
						decideRetry(result, 1, 1).retry,
						unknownOutcome(),
					);
				}
				await pause(decision.delayMs, () => this.isCancelled());
				continue;
			}

			const { reading } = result;
			// A delete's body says nothing more than "done": keep it no longer than needed.
			if (reading.kind === 'success') {
				return { kind: 'success', body: endpoint.acts ? undefined : reading.body };
			}
			if (reading.kind === 'notFound') return { kind: 'notFound', mayHaveActed };
			if (reading.kind !== 'transient') throw this.failureFor(reading, endpoint, mayHaveActed);

			const fromProductBridge = reading.serverMessage !== undefined;
			const problem = { status: reading.status, retryAfter: reading.retryAfter, fromProductBridge };
			const decision = decideRetry(problem, attempt, this.settings.maxRetries);
			mayHaveActed ||= decision.mayHaveActed;
			// A 429 on an item's last attempt still tells every other item to slow down.
			if (reading.status === 429) {
				const resumesIn = decision.retry ? decision.delayMs : 0;
				this.pacer.rateLimited(result.sentAt, this.pacer.now() + resumesIn);
			}
			if (!decision.retry) {
				const serverSays = reading.serverMessage && this.redactor.summarize(reading.serverMessage);
				throw failures.gaveUpOnStatus(reading.status, attempt, serverSays, unknownOutcome());
			}
			if (decision.pauseEveryone) this.pauses.pauseFor(decision.delayMs);
			else await pause(decision.delayMs, () => this.isCancelled());
		}
	}

	private failureFor(
		reading: Exclude<Reading, { kind: 'success' | 'notFound' | 'transient' }>,
		endpoint: Endpoint,
		mayHaveActed: boolean,
	): ProductBridgeFailure {
		const outcomeUnknown = endpoint.acts && mayHaveActed;
		if (reading.kind === 'rejectedKey') return this.stop(failures.rejectedKey(reading.status));
		if (reading.kind === 'notFoundElse') {
			const serverSays = this.redactor.summarize(reading.serverMessage);
			return this.stop(failures.notFoundElse(serverSays, outcomeUnknown));
		}
		if (reading.kind === 'invalidRequest') {
			return failures.refused(422, this.redactor.summarize(reading.problems, 400), outcomeUnknown);
		}
		if (reading.kind === 'refused') {
			const serverSays = this.redactor.summarize(reading.serverMessage);
			return failures.refused(reading.status, serverSays, outcomeUnknown);
		}
		// Whatever answered 2xx in an unknown shape may have acted on it: say so rather than guess.
		const answeredUnknown2xx = endpoint.acts && mayHaveActedOn(reading);
		return this.stop(
			failures.notProductBridge(
				this.host,
				reading.status,
				this.redactor.describeAnswer(reading),
				outcomeUnknown || answeredUnknown2xx,
			),
		);
	}

	/** The run's stop as this call's failure, keeping what the call itself knows about its outcome. */
	private stoppedFor(outcomeUnknown: boolean): ProductBridgeFailure {
		const stopped = this.stopped as ProductBridgeFailure;
		return outcomeUnknown ? stopped.withUnknownOutcome() : stopped;
	}

	private stop(failure: ProductBridgeFailure): ProductBridgeFailure {
		this.stopped ??= failure;
		return this.stopped;
	}

	private isCancelled(): boolean {
		return this.context.getExecutionCancelSignal()?.aborted === true;
	}

	/**
	 * One request within the window: the answer read, or the network failure; undefined when the
	 * run stopped or was cancelled while this request waited for its turn.
	 */
	private async exchange(endpoint: Endpoint, payload: IDataObject): Promise<Exchange | undefined> {
		const slot = await this.window.acquire();
		let signal: Signal = 'neutral';
		try {
			// A pause may have begun while this request waited for a slot: it is the last gate.
			await this.waitForTurn();
			if (this.stopped || this.isCancelled()) return undefined;
			const sentAt = this.pacer.now();
			const result = await this.attempt(endpoint, payload);
			if ('networkCode' in result) {
				if (CONGESTION_CODES.has(result.code)) signal = 'congested';
				return result;
			}
			const reading = readAnswer(result, endpoint.success);
			if (result.status !== 429) this.pacer.accept();
			if (CONGESTION_STATUSES.has(result.status)) signal = 'congested';
			else if (speaksProductBridge(reading)) signal = 'answered';
			if (signal === 'answered') this.pacer.roundTripTook(this.pacer.now() - sentAt);
			return { reading, sentAt };
		} finally {
			this.window.release(slot, signal);
		}
	}

	/** Waits out the shared pause, then for this request's booked start; a pause meanwhile starts over. */
	private async waitForTurn(): Promise<void> {
		// A stopped run must not wait out its booked starts: it sends nothing more.
		const cancelled = () => this.stopped !== undefined || this.isCancelled();
		for (;;) {
			if (this.pauses.holding()) await this.pauses.wait(cancelled);
			if (cancelled()) return;
			const wait = this.pacer.reserve(this.window.size);
			// Below a timer's resolution the booking still counts; the wait would cost more than it spreads.
			if (wait >= 1) await pause(wait, cancelled);
			if (!this.pauses.holding() || cancelled()) return;
		}
	}

	/**
	 * One request, ended at the deadline even while the server keeps trickling bytes: n8n's own
	 * timeout only notices a silent connection, and it replaces any abort signal passed in its
	 * options with the execution's, so the attempt's own signal reaches it through the context.
	 */
	private async attempt(endpoint: Endpoint, payload: IDataObject): Promise<AttemptResult> {
		// Its own signal only: the deadline's wait below notices a cancelled execution and ends the
		// request through it (AbortSignal.any would tie one listener per attempt to the execution).
		const ended = new AbortController();
		let settled = false;
		const request = this.send(this.contextEndedBy(ended.signal), endpoint, payload).then(
			(response): AttemptResult => toRawAnswer(response),
			(error: unknown): AttemptResult => {
				const network = classifyNetworkError(error);
				return { networkCode: network.code, ...network };
			},
		);
		const result = await Promise.race([request, this.deadline(() => settled)]);
		settled = true;
		// Only a request the deadline or a cancel overtook is ended: aborting an answered one would
		// cost an error object and its listeners' work on every request.
		if ('networkCode' in result && OVERTAKEN.has(result.code)) ended.abort();
		return result;
	}

	/**
	 * The node's context with the attempt's own signal. Built here, not in `attempt`, so that the
	 * deadline's timer, which outlives an answered request a little, does not keep it alive.
	 */
	private contextEndedBy(signal: AbortSignal): IExecuteFunctions {
		return Object.create(this.context, {
			getExecutionCancelSignal: { value: () => signal },
		}) as IExecuteFunctions;
	}

	/** The attempt's end when no answer has come in time, or the execution was cancelled. */
	private async deadline(settled: () => boolean): Promise<AttemptResult> {
		const timeout = this.settings.requestTimeout;
		await pause(timeout, () => settled() || this.isCancelled());
		const code = this.isCancelled() ? 'ECANCELED' : 'ETIMEDOUT';
		return { networkCode: code, code, message: `no complete answer within ${timeout} ms` };
	}

	private async send(
		context: IExecuteFunctions,
		endpoint: Endpoint,
		payload: IDataObject,
	): Promise<IN8nHttpFullResponse> {
		return (await context.helpers.httpRequestWithAuthentication.call(
			context,
			CREDENTIAL_TYPE,
			{
				method: 'POST',
				url: `${this.apiRoot}${endpoint.path}`,
				body: { ...payload },
				json: true,
				// The raw text: parsed here, so that no server key can become a prototype and a
				// foreign answer (an HTML page) can be told apart from ProductBridge's JSON.
				encoding: 'text',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				// ProductBridge never redirects; following one would send the key elsewhere.
				disableFollowRedirect: true,
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

function toRawAnswer(response: IN8nHttpFullResponse): RawAnswer {
	const headers = response.headers ?? {};
	const contentType = headers['content-type'];
	const body: unknown = response.body;
	const location = headers.location;
	return {
		status: response.statusCode,
		contentType: typeof contentType === 'string' ? contentType.split(';')[0].trim() : '',
		text: typeof body === 'string' ? body : (JSON.stringify(body) ?? ''),
		retryAfter: headers['retry-after'],
		location: typeof location === 'string' && location !== '' ? location : undefined,
	};
}
