import { pause } from './wait';

/** Holds every request back while the server has asked the node to slow down. */
export class PauseGate {
	private resumeAt = 0;

	pauseFor(ms: number): void {
		this.resumeAt = Math.max(this.resumeAt, Date.now() + ms);
	}

	/** Whether requests are being held right now. */
	holding(): boolean {
		return this.resumeAt > Date.now();
	}

	async wait(stop: () => boolean): Promise<void> {
		for (let delay = this.resumeAt - Date.now(); delay > 0 && !stop(); ) {
			await pause(delay, stop);
			delay = this.resumeAt - Date.now();
		}
	}
}

/** How an answer bears on the window: the API answered, it is overloaded, or neither. */
export type Signal = 'answered' | 'congested' | 'neutral';

export interface Slot {
	/** The window's epoch when the request went out: congestion it reports is counted once. */
	readonly epoch: number;
}

/**
 * How many requests may be in flight, adapted as TCP adapts its window. It starts at one: the
 * first request goes alone until ProductBridge has answered it, so a rejected key or a wrong Base
 * URL costs one request, not a wave. Each answer then lets one more request out (doubling per
 * round trip) up to the cap; a sign of overload (429, 503, a timeout) halves the window, once per
 * round trip, and from then on it grows by about one request per round trip.
 */
export class RequestWindow {
	private limit = 1;

	private inFlight = 0;

	private epoch = 0;

	private slowStart = true;

	private answeredOnce = false;

	private readonly waiting: Array<() => void> = [];

	private readonly cap: number;

	constructor(cap: number) {
		this.cap = Math.max(1, cap);
	}

	async acquire(): Promise<Slot> {
		while (this.inFlight >= this.allowed()) {
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		}
		this.inFlight++;
		return { epoch: this.epoch };
	}

	release(slot: Slot, signal: Signal): void {
		this.inFlight--;
		if (signal === 'answered') this.grow();
		if (signal === 'congested' && slot.epoch === this.epoch) this.shrink();
		this.wakeUp();
	}

	/** The current limit, for tests and measurements. */
	get size(): number {
		return this.allowed();
	}

	private allowed(): number {
		return this.answeredOnce ? Math.floor(this.limit) : 1;
	}

	private grow(): void {
		this.answeredOnce = true;
		this.limit = Math.min(this.cap, this.limit + (this.slowStart ? 1 : 1 / this.limit));
	}

	private shrink(): void {
		this.limit = Math.max(1, this.limit / 2);
		this.slowStart = false;
		this.epoch++;
	}

	private wakeUp(): void {
		// Everyone waiting re-checks; those that still do not fit wait again.
		for (const resolve of this.waiting.splice(0)) resolve();
	}
}
