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

	constructor(concurrency: number) {
		this.window = new RequestWindow(concurrency);
	}

	/** The flow's clock, for times passed back to `rateLimited`. */
	now(): number {
		return this.pacer.now();
	}

	/** Waits while every request is held by a server's pause, or until `stop()` says so. */
	async waitWhilePaused(stop: () => boolean): Promise<void> {
		await this.pauses.wait(stop);
	}

	/** Holds every request for `ms`. */
	pauseEveryone(ms: number): void {
		this.pauses.pauseFor(ms);
	}

	/** A 429 to a request that left at `sentAt`; requests resume in `resumesInMs`. */
	rateLimited(sentAt: number, resumesInMs: number): void {
		this.pacer.rateLimited(sentAt, this.pacer.now() + resumesInMs);
	}

	/**
	 * A slot in the window and this request's booked start; undefined when `stop()` said so while it
	 * waited (the slot is given back then).
	 */
	async takeTurn(stop: () => boolean): Promise<Turn | undefined> {
		const slot = await this.window.acquire();
		let turn: Turn | undefined;
		try {
			// A pause may have begun while this request waited for a slot: it is the last gate.
			await this.waitForStart(stop);
			if (!stop()) turn = this.turnFor(slot);
		} finally {
			if (turn === undefined) this.window.release(slot, 'neutral');
		}
		return turn;
	}

	private turnFor(slot: Slot): Turn {
		const sentAt = this.pacer.now();
		return {
			sentAt,
			end: (report: TurnReport) => {
				if (report.accepted) this.pacer.accept();
				if (report.signal === 'answered') this.pacer.roundTripTook(this.pacer.now() - sentAt);
				this.window.release(slot, report.signal);
			},
		};
	}

	/** Waits out the shared pause, then for this request's booked start; a pause meanwhile starts over. */
	private async waitForStart(stop: () => boolean): Promise<void> {
		for (;;) {
			if (this.pauses.holding()) await this.pauses.wait(stop);
			if (stop()) return;
			const wait = this.pacer.reserve(this.window.size);
			// Below a timer's resolution the booking still counts; the wait would cost more than it spreads.
			if (wait >= 1) await pause(wait, stop);
			if (!this.pauses.holding() || stop()) return;
		}
	}
}
