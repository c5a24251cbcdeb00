import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Reading, SuccessShape } from './answers';
import { deletedBody, mayHaveActedOn, readAnswer, speaksProductBridge, userBody } from './answers';
import { readBaseUrl } from './baseUrl';
import { failures, ProductBridgeFailure } from './failures';
import type { NetworkFailure } from './retryPolicy';
import { decideRetry } from './retryPolicy';
import { Redactor } from './redaction';
import { canonicalUuid } from './uuid';
import type { TurnReport } from './flow';
import { FlowController, pause } from './flow';
import { CREDENTIAL_TYPE, sendAttempt } from './request';

export { CREDENTIAL_TYPE } from './request';

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

type Exchange = { reading: Reading; sentAt: number } | ({ networkCode: string } & NetworkFailure);

/** Signs that the API or a gateway in front of it is overloaded. */
const CONGESTION_STATUSES: ReadonlySet<number> = new Set([408, 429, 503, 504]);
const CONGESTION_CODES: ReadonlySet<string> = new Set([
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
]);

/**
 * The one place that talks to ProductBridge. One client serves one node execution: the
 * credential is read and checked once, a rejected key or a foreign answer stops every further
 * request, and identical calls (duplicate items) are sent once. When a request may start is the
 * flow's call (`flow/`); one attempt is `request.ts`; this class keeps the endpoints, the retries
 * and the mapping of answers to typed results. Failures are `ProductBridgeFailure`s whose texts
 * are already redacted.
 */
export class ProductBridgeClient {
	private readonly flow: FlowController;

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
		this.flow = new FlowController(settings.concurrency);
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
			await this.flow.waitWhilePaused(() => this.isCancelled());
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
				this.flow.rateLimited(result.sentAt, resumesIn);
			}
			if (!decision.retry) {
				const serverSays =
					reading.serverMessage && this.redactor.excerpt(reading.serverMessage, 160);
				throw failures.gaveUpOnStatus(reading.status, attempt, serverSays, unknownOutcome());
			}
			if (decision.pauseEveryone) this.flow.pauseEveryone(decision.delayMs);
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
			const serverSays = this.redactor.excerpt(reading.serverMessage, 160);
			return this.stop(failures.notFoundElse(serverSays, outcomeUnknown));
		}
		if (reading.kind === 'invalidRequest') {
			return failures.refused(422, this.redactor.excerpt(reading.problems, 400), outcomeUnknown);
		}
		if (reading.kind === 'refused') {
			const serverSays = this.redactor.excerpt(reading.serverMessage, 160);
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
		// A stopped run must not wait out its booked starts: it sends nothing more.
		const turn = await this.flow.takeTurn(() => this.stopped !== undefined || this.isCancelled());
		if (turn === undefined) return undefined;
		let report: TurnReport = { signal: 'neutral', accepted: false };
		try {
			const result = await sendAttempt(this.context, this.credentials, {
				url: `${this.apiRoot}${endpoint.path}`,
				payload,
				timeoutMs: this.settings.requestTimeout,
			});
			if ('networkCode' in result) {
				if (CONGESTION_CODES.has(result.code)) report = { signal: 'congested', accepted: false };
				return result;
			}
			const reading = readAnswer(result, endpoint.success);
			report = { signal: signalOf(result.status, reading), accepted: result.status !== 429 };
			return { reading, sentAt: turn.sentAt };
		} finally {
			turn.end(report);
		}
	}
}

function signalOf(status: number, reading: Reading): TurnReport['signal'] {
	if (CONGESTION_STATUSES.has(status)) return 'congested';
	return speaksProductBridge(reading) ? 'answered' : 'neutral';
}
