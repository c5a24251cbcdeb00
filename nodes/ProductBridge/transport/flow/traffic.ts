import { pause } from './wait';

/** Holds every request back while the server has asked the node to slow down. */
export class PauseGate {
	private resumeAt = 0;

	pauseFor(ms: number): void {
		this.resumeAt = Math.max(this.resumeAt, Date.now() + ms);
	}

	/** Whether requests are being held right now. */
	active(): boolean {
		return this.resumeAt > Date.now();
	}

	/** How many more milliseconds requests are held; 0 when they are not. */
	leftMs(): number {
		return Math.max(0, this.resumeAt - Date.now());
	}

	async wait(giveUp: () => boolean): Promise<void> {
		for (let delay = this.resumeAt - Date.now(); delay > 0 && !giveUp(); ) {
			await pause(delay, giveUp);
			delay = this.resumeAt - Date.now();
		}
	}
}

/**
 * How an answer bears on the window: the API answered, it is overloaded, it refused the request
 * for its rate (429), or neither.
 */
export type Signal = 'answered' | 'congested' | 'rateLimited' | 'neutral';

export interface Slot {
	/** The window's epoch when the request went out: congestion it reports is counted once. */
	readonly epoch: number;
}

interface Waiter {
	/** When the call first asked: a retry keeps its call's place in the queue. */
	ticket: number;
	serve: (slot: Slot | undefined) => void;
	cancel: AbortSignal | undefined;
}

interface Cancellation {
	waiters: Set<Waiter>;
	onAbort: () => void;
}

/**
 * How many requests may be in flight, adapted as TCP adapts its window. It starts at one: the
 * first request goes alone until ProductBridge has answered it, so a rejected key or a wrong Base
 * URL costs one request, not a wave. Each answer then lets one more request out (doubling per
 * round trip) up to the cap; a sign of overload (503, 504, 408, a timeout) halves the window, once
 * per round trip, and from then on it grows by about one request per round trip. A 429 starts it
 * again from one (see `restart`).
 */
export class RequestWindow {
	private limit = 1;

	private inFlight = 0;

	private epoch = 0;

	private slowStart = true;

	/** Where doubling gives way to growing by one per round trip (TCP's slow-start threshold). */
	private slowStartUntil = Number.POSITIVE_INFINITY;

	private answeredOnce = false;

	/** Requests waiting for a slot, by ticket: in the order their calls arrived, whoever sent them. */
	private readonly waiting: Waiter[] = [];

	private tickets = 0;

	/**
	 * One abort listener per execution, however many of its requests wait: a listener each would
	 * trip Node's warning about more than ten on one signal.
	 */
	private readonly cancellations = new Map<AbortSignal, Cancellation>();

	private cap: number;

	constructor(cap: number) {
		this.cap = Math.max(1, cap);
	}

	/** A run sharing this window may allow more in flight than the runs before it. */
	raiseCap(cap: number): void {
		this.cap = Math.max(this.cap, cap);
	}

	/** A place in the queue for a call, kept by all its attempts. */
	ticket(): number {
		return ++this.tickets;
	}

	/**
	 * A slot, by `ticket` (a new one when none is given): a call that was sent back by a 429 waits
	 * ahead of calls that came after it. Undefined when `cancel` aborts first, or when the wait
	 * that `deadline` starts (only if the caller has to queue) ends first: that caller leaves the
	 * queue, everyone else keeps their place.
	 */
	async acquire(): Promise<Slot>;
	async acquire(
		cancel: AbortSignal | undefined,
		ticket?: number,
		deadline?: () => Promise<unknown>,
	): Promise<Slot | undefined>;
	async acquire(
		cancel?: AbortSignal,
		ticket = this.ticket(),
		deadline?: () => Promise<unknown>,
	): Promise<Slot | undefined> {
		if (cancel?.aborted) return undefined;
		// Nobody overtakes: a request that finds earlier calls waiting queues behind them.
		const ahead = this.waiting.length > 0 && this.waiting[0].ticket < ticket;
		if (!ahead && this.inFlight < this.allowed()) return this.handOut();
		return await new Promise<Slot | undefined>((resolve) => {
			const waiter: Waiter = { ticket, serve: resolve, cancel };
			const behind = this.waiting.findIndex((other) => other.ticket > ticket);
			this.waiting.splice(behind === -1 ? this.waiting.length : behind, 0, waiter);
			if (cancel) this.watch(cancel, waiter);
			void deadline?.().then(() => this.leave(waiter));
		});
	}

	release(slot: Slot, signal: Signal): void {
		this.inFlight--;
		if (signal === 'answered') {
			this.answeredOnce = true;
			// An answer to a request sent before the last restart or halving does not undo it.
			if (slot.epoch === this.epoch) this.grow();
		}
		if (signal === 'congested' && slot.epoch === this.epoch) this.shrink();
		if (signal === 'rateLimited' && slot.epoch === this.epoch) this.restart();
		while (this.waiting.length > 0 && this.inFlight < this.allowed()) {
			const waiter = this.waiting.shift() as Waiter;
			this.unwatch(waiter);
			waiter.serve(this.handOut());
		}
	}

	private watch(signal: AbortSignal, waiter: Waiter): void {
		let cancellation = this.cancellations.get(signal);
		if (cancellation === undefined) {
			const waiters = new Set<Waiter>();
			const onAbort = () => {
				for (const leaving of [...waiters]) this.leave(leaving);
			};
			cancellation = { waiters, onAbort };
			this.cancellations.set(signal, cancellation);
			signal.addEventListener('abort', onAbort, { once: true });
		}
		cancellation.waiters.add(waiter);
	}

	/** A waiter leaves the queue unserved; one already served or gone is left alone. */
	private leave(waiter: Waiter): void {
		const index = this.waiting.indexOf(waiter);
		if (index === -1) return;
		this.waiting.splice(index, 1);
		this.unwatch(waiter);
		waiter.serve(undefined);
	}

	private unwatch(waiter: Waiter): void {
		if (waiter.cancel === undefined) return;
		const cancellation = this.cancellations.get(waiter.cancel);
		if (cancellation === undefined) return;
		cancellation.waiters.delete(waiter);
		if (cancellation.waiters.size > 0) return;
		waiter.cancel.removeEventListener('abort', cancellation.onAbort);
		this.cancellations.delete(waiter.cancel);
	}

	/** The current limit, for tests and measurements. */
	get size(): number {
		return this.allowed();
	}

	/** Requests in flight or waiting for a slot. */
	get busy(): boolean {
		return this.inFlight > 0 || this.waiting.length > 0;
	}

	private handOut(): Slot {
		this.inFlight++;
		return { epoch: this.epoch };
	}

	private allowed(): number {
		return this.answeredOnce ? Math.floor(this.limit) : 1;
	}

	private grow(): void {
		this.answeredOnce = true;
		this.limit = Math.min(this.cap, this.limit + (this.slowStart ? 1 : 1 / this.limit));
		if (this.limit >= this.slowStartUntil) this.slowStart = false;
	}

	/**
	 * A 429: the server's bucket is empty and a pause follows. Like TCP after a timeout, the window
	 * starts again from one, so that the requests held by the pause do not all leave together when
	 * it ends and meet the next 429 as a wave; it doubles per round trip up to half the window it
	 * had, then grows by about one per round trip.
	 */
	private restart(): void {
		this.slowStartUntil = Math.max(1, Math.floor(this.limit / 2));
		this.limit = 1;
		this.slowStart = this.slowStartUntil > 1;
		this.epoch++;
	}

	private shrink(): void {
		this.limit = Math.max(1, this.limit / 2);
		this.slowStart = false;
		this.epoch++;
	}
}
