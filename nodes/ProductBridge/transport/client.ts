import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { Reading, SuccessShape } from './answers';
import { deletedBody, mayHaveActedOn, readAnswer, speaksProductBridge, userBody } from './answers';
import { readBaseUrl } from './baseUrl';
import { failures, ProductBridgeFailure } from './failures';
import type { NetworkFailure } from './retryPolicy';
import {
	decideLater,
	decideRetry,
	isComeBackLater,
	isRetryable,
	mayHaveActed,
} from './retryPolicy';
import { Redactor } from './redaction';
import { canonicalUuid } from './uuid';
import type { Turn, TurnReport } from './flow';
import { FlowController, flowIdentity, pause, sharedFlow } from './flow';
import { CREDENTIAL_TYPE, sendAttempt } from './request';
import { ReachBreaker } from './breaker';
import { FirstContactGate } from './firstContact';
import { hasApiKey } from './sendable';

export { CREDENTIAL_TYPE } from './request';

export interface TransportSettings {
	/** The most requests in flight at once; the node adapts below it. */
	concurrency: number;
	maxRetries: number;
	/** A deadline for each attempt, from sending to the last byte of the answer. */
	requestTimeout: number;
	/** How long, in seconds, one item may wait in all for rate limits (429, 503 with Retry-After). */
	maxRateLimitWait: number;
	/** The run's items, when known: no more of its requests than that can be in flight. */
	itemCount?: number;
}

/** The longest pause one answer may impose on everyone sharing the key: the longest Max Wait. */
const LONGEST_SHARED_PAUSE_MS = 3600_000;

/** `/users/delete`: gone now, or not linked. `outcomeUnknown`: an earlier attempt may have removed them. */
export type DeleteResult = { deleted: true } | { deleted: false; outcomeUnknown: boolean };

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

/** `keptInProcess`: why nothing left the process (n8n refused to send it), if so. */
type Exchange =
	| { reading: Reading; sentAt: number }
	| ({ networkCode: string; keptInProcess?: string } & NetworkFailure);

/** Signs that the API or a gateway in front of it is overloaded. */
const CONGESTION_STATUSES: ReadonlySet<number> = new Set([408, 429, 503, 504]);
/** A gateway's word that the API behind it did not answer in time. */
const GATEWAY_TIMEOUTS: ReadonlySet<number> = new Set([408, 504]);
const CONGESTION_CODES: ReadonlySet<string> = new Set([
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
]);

/**
 * The one place that talks to ProductBridge. One client serves one node execution: the
 * credential is read and checked once, a rejected key or a foreign answer stops every further
 * request, and identical calls (duplicate items) are sent once. Until ProductBridge has answered,
 * one call at a time goes through all its retries (first contact); a breaker stops starting
 * requests when calls end without any answer in ProductBridge's shape, and the router halts it
 * when an item's failure stops the run. When a request may start is the
 * flow's call (`flow/`); one attempt is `request.ts`; this class keeps the endpoints, the retries
 * and the mapping of answers to typed results. Failures are `ProductBridgeFailure`s whose texts
 * are already redacted.
 */
export class ProductBridgeClient {
	private readonly flow: FlowController;

	/** What this run met, for the execution hint: 429s, the longest wait for a turn, a server's pause. */
	private readonly traffic = { rateLimited: 0, longestWaitMs: 0, heldByServer: false };

	private readonly calls = new Map<string, Promise<Settled>>();

	private stopped: ProductBridgeFailure | undefined;

	/** Why the run stopped starting requests although nothing is wrong with the setup. */
	private halt: string | undefined;

	private readonly breaker = new ReachBreaker();

	private readonly firstContact = new FirstContactGate();

	/**
	 * Names the credential (its API and a fingerprint of its key, never the key): the shared flow
	 * and what the node remembers per execution are kept under it.
	 */
	readonly credentialScope: string;

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
		this.redactor = new Redactor(credentials.apiKey);
		const baseUrl = readBaseUrl(credentials.baseUrl);
		this.credentialScope = flowIdentity(baseUrl.ok ? baseUrl.apiRoot : '', credentials.apiKey);
		if (baseUrl.ok) {
			this.apiRoot = baseUrl.apiRoot;
			this.host = baseUrl.host;
			// Every run in this process with the same API and key shares one flow; only the logger
			// is kept, never this run's context.
			const logger = context.logger;
			const host = baseUrl.host;
			this.flow = sharedFlow(this.credentialScope, settings.concurrency, (perSecond) =>
				logger?.info(
					`ProductBridge: requests to ${host} are now paced at ${perSecond.toFixed(1)} per second after a rate limit (429)`,
				),
			);
		} else {
			this.apiRoot = '';
			this.host = '';
			this.stopped = failures.invalidBaseUrl(this.redact(baseUrl.problem));
			this.flow = new FlowController(1);
		}
		if (!hasApiKey(credentials)) this.stopped ??= failures.noKey();
	}

	static async create(
		context: IExecuteFunctions,
		settings: TransportSettings,
	): Promise<ProductBridgeClient> {
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		return new ProductBridgeClient(context, credentials, settings);
	}

	/** With On Error = Stop, an item failed: no request starts from now on. */
	haltNewRequests(): void {
		this.halt ??= 'the run stopped when another item failed (On Error = Stop)';
	}

	redact(text: string): string {
		return this.redactor.redact(text);
	}

	/**
	 * What the run's traffic looked like when it was rate-limited, paused or paced, for an
	 * execution hint; undefined when nothing held it back. Holds no key and nothing from a body.
	 */
	trafficReport(): string | undefined {
		const { rateLimited, longestWaitMs, heldByServer } = this.traffic;
		const pace = this.flow.requestsPerSecond;
		if (rateLimited === 0 && !heldByServer && (pace === undefined || longestWaitMs < 1000)) {
			return undefined;
		}
		const parts = [
			rateLimited > 0
				? `ProductBridge rate-limited ${rateLimited} request${rateLimited === 1 ? '' : 's'} (429) in this run`
				: 'ProductBridge asked this API key to slow down',
			`the longest wait of an item for its turn was ${(longestWaitMs / 1000).toFixed(1)} s`,
		];
		if (pace !== undefined) {
			parts.push(
				`requests with this API key are paced at ${pace.toFixed(1)} per second in this n8n process`,
			);
		}
		return `${parts.join('; ')}.`;
	}

	async deleteUser(userId: string): Promise<DeleteResult> {
		const settled = await this.call(DELETE, { user_id: userId });
		if (settled.kind === 'success') return { deleted: true };
		return { deleted: false, outcomeUnknown: settled.mayHaveActed };
	}

	/**
	 * Looks the user up. `afterDelete`: the state after this run's delete of them (Verify
	 * Removal), a request of its own that never shares the answer of a lookup sent before the delete.
	 */
	async retrieveUser(lookup: UserLookup, { afterDelete = false } = {}): Promise<RetrieveResult> {
		const settled = await this.call(RETRIEVE, lookup, afterDelete ? 'after delete' : '');
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

	/**
	 * Sends the call once per distinct endpoint, payload and `moment`; later identical calls share
	 * the outcome.
	 */
	private async call(endpoint: Endpoint, payload: IDataObject, moment = ''): Promise<Settled> {
		const key = `${endpoint.path} ${JSON.stringify(payload)} ${moment}`;
		let settled = this.calls.get(key);
		if (settled === undefined) {
			settled = this.callWithRetries(endpoint, payload);
			this.calls.set(key, settled);
		}
		return await settled;
	}

	private async callWithRetries(endpoint: Endpoint, payload: IDataObject): Promise<Settled> {
		const leaveFirstContact = await this.firstContact.enter();
		try {
			return await this.tryUntilSettled(endpoint, payload);
		} finally {
			leaveFirstContact();
		}
	}

	private async tryUntilSettled(endpoint: Endpoint, payload: IDataObject): Promise<Settled> {
		const call = new CallProgress(
			endpoint,
			this.settings.maxRateLimitWait * 1000,
			this.flow.ticket(),
		);
		for (;;) {
			const waitStartedAt = Date.now();
			await this.waitOutPause(call);
			const result = await this.exchange(endpoint, payload, {
				leftMs: () => call.leftMs(),
				waitStartedAt,
				ticket: call.ticket,
			});
			if (result === undefined) throw this.noTurnFailure(call);
			call.sentAny = true;
			if ('networkCode' in result) {
				await this.afterNetworkFailure(call, result);
				continue;
			}
			const { reading } = result;
			call.heard ||= speaksProductBridge(reading);
			// A delete's body says nothing more than "done": keep it no longer than needed.
			if (reading.kind === 'success') {
				return { kind: 'success', body: endpoint.acts ? undefined : reading.body };
			}
			if (reading.kind === 'notFound') return { kind: 'notFound', mayHaveActed: call.mayHaveActed };
			if (reading.kind !== 'transient') {
				throw this.failureFor(reading, endpoint, call.mayHaveActed);
			}
			await this.afterTransient(call, reading, result.sentAt);
		}
	}

	/** Waits out the shared pause before an attempt; throws when the run ended or it lasts too long. */
	private async waitOutPause(call: CallProgress): Promise<void> {
		if (this.ended()) throw this.stoppedFor(call.outcomeUnknown(), call.sentAny);
		const giveUp = () => this.ended() || this.isCancelled() || this.pausedTooLong(call.leftMs());
		await this.flow.waitWhilePaused(giveUp);
		if (this.isCancelled()) throw failures.cancelled(call.outcomeUnknown());
		if (this.ended()) throw this.stoppedFor(call.outcomeUnknown(), call.sentAny);
		if (this.pausedTooLong(call.leftMs())) {
			throw this.heldTooLong(call.leftMs(), call.outcomeUnknown());
		}
	}

	/** Why an attempt got no turn: the run ended, was cancelled, a pause or the queue outlasted the budget. */
	private noTurnFailure(call: CallProgress): ProductBridgeFailure {
		if (this.ended()) return this.stoppedFor(call.outcomeUnknown(), call.sentAny);
		if (this.isCancelled()) return failures.cancelled(call.outcomeUnknown());
		if (this.pausedTooLong(call.leftMs())) {
			return this.heldTooLong(call.leftMs(), call.outcomeUnknown());
		}
		return failures.noTurn(this.flow.stallBound(this.queueStallMs(call.leftMs())), {
			outcomeUnknown: call.outcomeUnknown(),
			sentAny: call.sentAny,
		});
	}

	/** No answer came: waits before the next attempt, or throws when none is left or would help. */
	private async afterNetworkFailure(
		call: CallProgress,
		result: { networkCode: string; keptInProcess?: string } & NetworkFailure,
	): Promise<void> {
		if (result.keptInProcess !== undefined) {
			throw this.stop(failures.keptInProcess(this.host, result.keptInProcess));
		}
		call.failed++;
		const decision = decideRetry(result, call.failed, this.settings.maxRetries);
		call.mayHaveActed ||= decision.mayHaveActed;
		if (!decision.retry) {
			this.endedUnheard(call.heard);
			throw failures.unreachable(
				this.host,
				{ code: result.code, message: this.redactor.summarize(result.message) },
				call.failed,
				isRetryable(result),
				call.outcomeUnknown(),
				this.oneAtATime(),
			);
		}
		await pause(decision.delayMs, () => this.ended() || this.isCancelled());
	}

	/**
	 * A status worth another attempt: "not yet" (429, 503 with Retry-After) spends the time budget,
	 * anything else counts against Max Retries. Waits or pauses everyone, or throws.
	 */
	private async afterTransient(
		call: CallProgress,
		reading: Extract<Reading, { kind: 'transient' }>,
		sentAt: number,
	): Promise<void> {
		const fromProductBridge = reading.serverMessage !== undefined;
		const problem = { status: reading.status, retryAfter: reading.retryAfter, fromProductBridge };
		call.mayHaveActed ||= mayHaveActed(problem);
		if (isComeBackLater(reading.status, reading.retryAfter)) {
			this.comeBackLater(
				reading.status,
				reading.retryAfter,
				++call.later,
				() => call.leftMs(),
				sentAt,
				{
					budgetMs: call.budgetMs,
					outcomeUnknown: call.outcomeUnknown(),
				},
			);
			return;
		}
		call.failed++;
		const decision = decideRetry(problem, call.failed, this.settings.maxRetries);
		if (!decision.retry) {
			this.endedUnheard(call.heard);
			const serverSays = reading.serverMessage && this.redactor.excerpt(reading.serverMessage, 160);
			throw failures.gaveUpOnStatus(
				reading.status,
				call.failed,
				serverSays,
				call.outcomeUnknown(),
				this.oneAtATime(),
			);
		}
		if (decision.pauseEveryone) this.flow.pauseEveryone(decision.delayMs);
		else await pause(decision.delayMs, () => this.ended() || this.isCancelled());
	}

	/**
	 * A 429, or a 503 with Retry-After: hold everyone sharing the key for what the server asks,
	 * or fail this item now when its budget cannot cover that (throws).
	 */
	private comeBackLater(
		status: number,
		retryAfter: unknown,
		later: number,
		leftMs: () => number,
		sentAt: number,
		item: { budgetMs: number; outcomeUnknown: boolean },
	): void {
		const next = decideLater(retryAfter, later, leftMs());
		// A 429 on an item's last chance still tells every other item to slow down.
		if (status === 429) {
			this.traffic.rateLimited++;
			this.flow.rateLimited(sentAt, next.wait ? next.delayMs : 0);
		}
		this.traffic.heldByServer = true;
		// Without a Retry-After, the backoff this item could not afford is no reason to hold everyone.
		const pauseMs = next.wait ? next.delayMs : (next.askedMs ?? 0);
		this.flow.pauseEveryone(Math.min(LONGEST_SHARED_PAUSE_MS, pauseMs));
		if (!next.wait) {
			throw failures.waitTooLong(
				{ ...next, budgetMs: item.budgetMs, alreadyPaused: false, status },
				this.oneAtATime(),
				item.outcomeUnknown,
			);
		}
	}

	/**
	 * How long a request waits for a turn while the API answers none of the key's requests: its
	 * Max Wait for Rate Limits left, and never less than one request's deadline (a request in
	 * flight ahead of it may take that long to be answered).
	 */
	private queueStallMs(leftMs: number): number {
		return Math.max(leftMs, this.settings.requestTimeout);
	}

	/** The shared pause lasts longer than this item may still wait. */
	private pausedTooLong(leftMs: number): boolean {
		return this.flow.heldFor() > Math.max(0, leftMs);
	}

	private heldTooLong(leftMs: number, outcomeUnknown: boolean): ProductBridgeFailure {
		this.traffic.heldByServer = true;
		return failures.waitTooLong(
			{
				askedMs: this.flow.heldFor(),
				leftMs: Math.max(0, leftMs),
				budgetMs: this.settings.maxRateLimitWait * 1000,
				alreadyPaused: true,
			},
			this.oneAtATime(),
			outcomeUnknown,
		);
	}

	/** Whether this run sends one request at a time, so that fewer in flight cannot help. */
	private oneAtATime(): boolean {
		return Math.min(this.settings.concurrency, this.settings.itemCount ?? Infinity) <= 1;
	}

	private failureFor(
		reading: Exclude<Reading, { kind: 'success' | 'notFound' | 'transient' }>,
		endpoint: Endpoint,
		anyMayHaveActed: boolean,
	): ProductBridgeFailure {
		const outcomeUnknown = endpoint.acts && anyMayHaveActed;
		// A stop that comes after a lost answer leaves that answer's outcome unknown all the same.
		if (reading.kind === 'rejectedKey') {
			return this.stop(failures.rejectedKey(reading.status), outcomeUnknown);
		}
		if (reading.kind === 'notFoundElse') {
			const serverSays = this.redactor.excerpt(reading.serverMessage, 160);
			return this.stop(failures.notFoundElse(serverSays, outcomeUnknown), outcomeUnknown);
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
			outcomeUnknown || answeredUnknown2xx,
		);
	}

	/** The run's stop as this call's failure, keeping what the call itself knows about its outcome. */
	private stoppedFor(outcomeUnknown: boolean, sentAny: boolean): ProductBridgeFailure {
		const stopped = this.stopped;
		if (stopped === undefined) {
			const progress = outcomeUnknown ? 'unknown' : sentAny ? 'notCarriedOut' : 'notSent';
			return failures.halted(this.halt as string, progress);
		}
		if (outcomeUnknown) return stopped.withOutcomeUnknown();
		return sentAny ? stopped : stopped.withNothingSent();
	}

	/** Stops every further request; the failure for this call keeps what it knows of its outcome. */
	private stop(failure: ProductBridgeFailure, outcomeUnknown = false): ProductBridgeFailure {
		this.stopped ??= failure;
		return outcomeUnknown ? this.stopped.withOutcomeUnknown() : this.stopped;
	}

	/** Whether no request may start any more: the run stopped, or stopped starting requests. */
	private ended(): boolean {
		return this.stopped !== undefined || this.halt !== undefined;
	}

	/** A call ran out of attempts; one that never heard ProductBridge may show the host is not there. */
	private endedUnheard(heard: boolean): void {
		if (heard || !this.breaker.callEndedUnheard()) return;
		this.halt ??=
			this.breaker.reason === 'firstContact'
				? `the first request to ${this.host} got no answer from ProductBridge, so no other item was started`
				: `the last requests to ${this.host} got no answer from ProductBridge, so no further item was started`;
	}

	private heardFromProductBridge(): void {
		this.breaker.heard();
		this.firstContact.heardFromProductBridge();
	}

	private isCancelled(): boolean {
		return this.context.getExecutionCancelSignal()?.aborted === true;
	}

	/**
	 * One request within the window: the answer read, or the network failure; undefined when the
	 * run stopped or was cancelled while this request waited for its turn.
	 */
	private async exchange(
		endpoint: Endpoint,
		payload: IDataObject,
		queue: { leftMs: () => number; waitStartedAt: number; ticket: number },
	): Promise<Exchange | undefined> {
		const { leftMs, waitStartedAt, ticket } = queue;
		// A stopped run must not wait out its booked starts: it sends nothing more.
		const turn = await this.flow.takeTurn(
			() => this.ended() || this.isCancelled() || this.pausedTooLong(leftMs()),
			this.context.getExecutionCancelSignal(),
			{
				ticket,
				maxStallMs: this.queueStallMs(leftMs()),
				timeoutMs: this.settings.requestTimeout,
			},
		);
		this.traffic.longestWaitMs = Math.max(this.traffic.longestWaitMs, Date.now() - waitStartedAt);
		if (turn === undefined) return undefined;
		let report: TurnReport = { signal: 'neutral', accepted: false, heard: false };
		let succeeded = false;
		try {
			const result = await sendAttempt(this.context, this.credentials, {
				url: `${this.apiRoot}${endpoint.path}`,
				payload,
				timeoutMs: this.settings.requestTimeout,
			});
			if ('networkCode' in result) {
				if (CONGESTION_CODES.has(result.code)) {
					report = { signal: 'congested', accepted: false, heard: false };
				}
				return result;
			}
			const reading = readAnswer(result, endpoint.success);
			report = {
				signal: signalOf(result.status, reading),
				accepted: result.status !== 429,
				heard: !GATEWAY_TIMEOUTS.has(result.status),
			};
			if (speaksProductBridge(reading)) this.heardFromProductBridge();
			succeeded = reading.kind === 'success';
			return { reading, sentAt: turn.sentAt };
		} finally {
			if (succeeded || this.context.continueOnFail()) turn.end(report);
			else void endAfterItemDecided(turn, report);
		}
	}
}

/** One call through its attempts: what it may have done, what it heard, what it has left. */
class CallProgress {
	/** Whether any attempt of this call may have been carried out although no answer says so. */
	mayHaveActed = false;

	sentAny = false;

	/** An answer in ProductBridge's shape came to this call. */
	heard = false;

	/** Real failures, counted against Max Retries. */
	failed = 0;

	/** "Not yet" answers (429, 503 with Retry-After), which spend the time budget instead. */
	later = 0;

	private readonly startedAt = Date.now();

	private readonly endpoint: Endpoint;

	readonly budgetMs: number;

	/** The call's place in the shared queue, kept by all its attempts (fair turns). */
	readonly ticket: number;

	constructor(endpoint: Endpoint, budgetMs: number, ticket: number) {
		this.endpoint = endpoint;
		this.budgetMs = budgetMs;
		this.ticket = ticket;
	}

	leftMs(): number {
		return this.budgetMs - (Date.now() - this.startedAt);
	}

	/** The call changes something, and an attempt of it may have done so unseen. */
	outcomeUnknown(): boolean {
		return this.endpoint.acts && this.mayHaveActed;
	}
}

/**
 * With On Error = Stop, an answer that is not a success may make its item fail, and that stops
 * the run. The item decides in the same tick, as soon as this answer is handed back: the turn is
 * given to the next request only after that, so that no request starts once the run stops.
 */
async function endAfterItemDecided(turn: Turn, report: TurnReport): Promise<void> {
	await sleep(0);
	turn.end(report);
}

function signalOf(status: number, reading: Reading): TurnReport['signal'] {
	if (status === 429) return 'rateLimited';
	if (CONGESTION_STATUSES.has(status)) return 'congested';
	return speaksProductBridge(reading) ? 'answered' : 'neutral';
}
