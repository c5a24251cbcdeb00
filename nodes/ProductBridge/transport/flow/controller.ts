import { StartPacer } from './pacing';
import type { Signal, Slot } from './traffic';
import { PauseGate, RequestWindow } from './traffic';
import { pause } from './wait';

/** What a finished request tells the flow. */
export interface TurnReport {
	/** How the answer bears on the window of requests in flight. */
	signal: Signal;
	/** The request got past the rate limit (any answer but a 429). */
	accepted: boolean;
	/**
	 * An HTTP answer came (any status but a gateway's 408 or 504): the API is not silent, and the
	 * requests queued behind this one are moving.
	 */
	heard: boolean;
}

/** One request's turn: its slot in the window, and when it left, on the flow's clock. */
export interface Turn {
	readonly sentAt: number;
	/** Gives the slot back with what the request learned; call it exactly once. */
	end(report: TurnReport): void;
}

/**
 * When a request may start: the window of requests in flight (one until ProductBridge has
 * answered: first contact), the paced starts learned from 429s, and the pause a Retry-After asks
 * for. The client asks it before every attempt and tells it what the answer was.
 */
export class FlowController {
	private readonly pauses = new PauseGate();

	private readonly window: RequestWindow;

	private readonly pacer = new StartPacer();

	/** Callers inside a wait that the window does not see (a pause, a booked start). */
	private waiters = 0;

	private lastActivity: number;

	/** When the API last answered one of the key's requests (see `TurnReport.heard`). */
	private lastAnswer = Number.NEGATIVE_INFINITY;

	/** The longest request deadline any run on this key has asked for. */
	private longestTimeoutMs = 0;

	private readonly onPaceChange: (requestsPerSecond: number) => void;

	constructor(concurrency: number, onPaceChange: (requestsPerSecond: number) => void = () => {}) {
		this.window = new RequestWindow(concurrency);
		this.onPaceChange = onPaceChange;
		this.lastActivity = this.pacer.now();
	}

	/** Another run shares this controller and may allow more requests in flight. */
	allow(concurrency: number): void {
		this.window.raiseCap(concurrency);
	}

	/** When the controller was last used, on its clock; Infinity while requests are in flight or waiting. */
	lastActive(): number {
		if (this.window.busy || this.waiters > 0) return Number.POSITIVE_INFINITY;
		return this.lastActivity;
	}

	/** The pace learned from 429s, in requests per second; undefined while not rate-limited. */
	get requestsPerSecond(): number | undefined {
		return this.pacer.requestsPerSecond;
	}

	/** How many more milliseconds every request is held by a server's pause. */
	heldFor(): number {
		return this.pauses.leftMs();
	}

	/** The flow's clock, for times passed back to `rateLimited`. */
	now(): number {
		return this.pacer.now();
	}

	/** How long a queued request waits while no request on the key is answered (see `takeTurn`). */
	stallBound(maxStallMs: number): number {
		return Math.max(maxStallMs, this.longestTimeoutMs);
	}

	/** Waits while every request is held by a server's pause, or until `giveUp()` says so. */
	async waitWhilePaused(giveUp: () => boolean): Promise<void> {
		this.arrive();
		this.waiters++;
		try {
			await this.pauses.wait(giveUp);
		} finally {
			this.waiters--;
			this.lastActivity = this.pacer.now();
		}
	}

	/** Holds every request for `ms`. */
	pauseEveryone(ms: number): void {
		this.pauses.pauseFor(ms);
	}

	/** A 429 to a request that left at `sentAt`; requests resume in `resumesInMs`. */
	rateLimited(sentAt: number, resumesInMs: number): void {
		const before = this.pacer.requestsPerSecond;
		this.pacer.rateLimited(sentAt, this.pacer.now() + resumesInMs);
		const after = this.pacer.requestsPerSecond;
		if (after !== undefined && after !== before) this.onPaceChange(after);
	}

	/** A place in the queue for one call, kept by all its attempts (see `takeTurn`). */
	ticket(): number {
		return this.window.ticket();
	}

	/**
	 * A slot in the window and this request's booked start, in the order of `ticket`; undefined
	 * when `giveUp()` said so while it waited (the slot is given back then), `cancel` (the
	 * execution's signal) aborted, or the API answered none of the key's requests for `maxStallMs`
	 * while this one waited for a slot (a queue that moves is waited out, however long).
	 */
	async takeTurn(
		giveUp: () => boolean,
		cancel?: AbortSignal,
		{
			ticket,
			maxStallMs = Number.POSITIVE_INFINITY,
			timeoutMs = 0,
		}: { ticket?: number; maxStallMs?: number; timeoutMs?: number } = {},
	): Promise<Turn | undefined> {
		this.arrive();
		// A request of another run ahead of this one may take its own, longer deadline to answer.
		this.longestTimeoutMs = Math.max(this.longestTimeoutMs, timeoutMs);
		let queued = true;
		// Only a request that has to queue starts this wait; it ends soon after the slot comes.
		const deadline = async () => {
			const queuedAt = this.pacer.now();
			const stalled = () =>
				this.pacer.now() - Math.max(queuedAt, this.lastAnswer) > this.stallBound(maxStallMs);
			await pause(Number.POSITIVE_INFINITY, () => !queued || giveUp() || stalled());
		};
		const slot = await this.window.acquire(cancel, ticket, deadline);
		queued = false;
		if (slot === undefined) return undefined;
		let turn: Turn | undefined;
		try {
			// A pause may have begun while this request waited for a slot: it is the last gate.
			await this.waitForStart(giveUp);
			if (!giveUp()) turn = this.turnFor(slot);
		} finally {
			if (turn === undefined) this.release(slot, 'neutral');
		}
		return turn;
	}

	/** A request arrives; if it finds the controller idle, the pacer hears for how long. */
	private arrive(): void {
		if (this.window.busy || this.waiters > 0) return;
		const now = this.pacer.now();
		this.pacer.idled(now - this.lastActivity);
		this.lastActivity = now;
	}

	private turnFor(slot: Slot): Turn {
		const sentAt = this.pacer.now();
		return {
			sentAt,
			end: (report: TurnReport) => {
				if (report.heard) this.lastAnswer = this.pacer.now();
				if (report.accepted) this.pacer.accept();
				if (report.signal === 'answered') this.pacer.roundTripTook(this.pacer.now() - sentAt);
				this.release(slot, report.signal);
			},
		};
	}

	private release(slot: Slot, signal: Signal): void {
		this.lastActivity = this.pacer.now();
		this.window.release(slot, signal);
	}

	/** Waits out the shared pause, then for this request's booked start; a pause meanwhile starts over. */
	private async waitForStart(giveUp: () => boolean): Promise<void> {
		for (;;) {
			if (this.pauses.active()) await this.pauses.wait(giveUp);
			if (giveUp()) return;
			const wait = this.pacer.reserve(this.window.size);
			// Below a timer's resolution the booking still counts; the wait would cost more than it spreads.
			if (wait >= 1) await pause(wait, giveUp);
			if (!this.pauses.active() || giveUp()) return;
		}
	}
}
