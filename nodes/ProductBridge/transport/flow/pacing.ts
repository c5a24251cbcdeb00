/** Never slower than one request every two seconds, whatever the estimate says. */
const MIN_RATE = 0.5;
/** A 429 sets the pace a little below the rate that was being accepted. */
const BACKOFF = 0.9;
/** Growth per accepted answer while pacing: +3 % per second, or SLOW_GROWTH_PER_SECOND if more. */
const MIN_GROWTH_PER_ANSWER = 0.03;
/**
 * At slow rates, +0.25 request/s per second: against a limit of 3/s with a bucket of 3, a pace
 * set just below it then meets the next 429 after about 6 s, not 3 (+1/s per second did).
 */
const SLOW_GROWTH_PER_SECOND = 0.25;
/** The shortest stretch a rate is measured over, so that one burst does not pass for a rate. */
const MIN_MEASURE_MS = 1000;
/** Fewer accepted answers than this since the last 429 are too few to measure a rate from. */
const MIN_SAMPLES = 10;
/** Spreading is for waves of fast answers; a slow round trip is the window's business, not a wait. */
const MAX_SPREAD_GAP_MS = 20;

/**
 * Spaces request starts, for two reasons.
 *
 * A rate limit: the window of requests in flight bounds concurrency, not rate, and a fast answer
 * frees its slot at once. Until the first 429 this does nothing. On a 429 it sets the pace just
 * below the rate of answers accepted since the last one (the run's start at first), then probes
 * upward by a quarter of a request per second each second (3 % once faster) and backs off again
 * on the next 429. A 429 to a request that left before the last back-off is old news and counted once, as the
 * window does.
 *
 * Waves: requests that leave together come back together, and n8n's core then idles through the
 * next round trip. Given the window, starts are spread at least a round trip ÷ window apart, so a
 * burst of freed slots (the first requests, a window that grew) leaves over a round trip instead.
 */
export class StartPacer {
	private rate: number | undefined;

	private nextStart = 0;

	private roundTrip: number | undefined;

	/** Answers accepted since `countingSince`: the stretch a rate is measured over. */
	private accepted = 0;

	private countingSince: number;

	/** Answers accepted since the last pause ended (`recentSince`), when that is later. */
	private recentAccepted = 0;

	private recentSince: number;

	private lastBackOff = Number.NEGATIVE_INFINITY;

	/** Pauses inside the count, when 429s came before enough answers to measure (0 otherwise). */
	private pausesCounted = 0;

	private readonly clock: () => number;

	// Monotonic: a wall clock stepped back (NTP, a resumed VM) must not book starts hours ahead.
	constructor(clock: () => number = () => performance.now()) {
		this.clock = clock;
		this.countingSince = clock();
		this.recentSince = this.countingSince;
	}

	/** The pacer's clock, for the times passed to `rateLimited`. */
	now(): number {
		return this.clock();
	}

	/** Requests per second now, or undefined while the node has not been rate-limited. */
	get requestsPerSecond(): number | undefined {
		return this.rate;
	}

	/**
	 * Books the next start for a window of `window` requests in flight; returns how many
	 * milliseconds this request must wait for it.
	 */
	reserve(window: number): number {
		const gap = Math.max(
			this.rate === undefined ? 0 : 1000 / this.rate,
			this.roundTrip === undefined ? 0 : Math.min(MAX_SPREAD_GAP_MS, this.roundTrip / window),
		);
		if (gap === 0) return 0;
		const now = this.clock();
		const start = Math.max(now, this.nextStart);
		this.nextStart = start + gap;
		return start - now;
	}

	/** The time from sending a request to reading its answer, smoothed as TCP smooths it. */
	roundTripTook(ms: number): void {
		this.roundTrip = this.roundTrip === undefined ? ms : this.roundTrip * 0.875 + ms * 0.125;
	}

	/**
	 * Nothing was sent or waiting for `ms`: no run used the key. After a second or more of that, the
	 * next measurement starts afresh: the rate that matters is the one of the busy stretch that
	 * ends in a 429 (idle time would make a key used once an hour measure as the slowest pace
	 * there is, and leaving it out would make single requests look as fast as their round trip).
	 */
	idled(ms: number): void {
		if (ms < MIN_MEASURE_MS) return;
		const now = this.clock();
		this.startCounting(now, now);
		this.pausesCounted = 0;
	}

	/** A request got past the rate limit (any answer but a 429). */
	accept(): void {
		this.accepted++;
		this.recentAccepted++;
		if (this.rate !== undefined) {
			this.rate += Math.max(MIN_GROWTH_PER_ANSWER, SLOW_GROWTH_PER_SECOND / this.rate);
		}
	}

	/**
	 * A 429 to a request that left at `sentAt`; everyone is held until `resumeAt`, and the paced
	 * starts begin then, one at a time.
	 */
	rateLimited(sentAt: number, resumeAt: number): void {
		if (sentAt < this.lastBackOff) return;
		const now = this.clock();
		const overall = rateOver(this.accepted, now - this.countingSince);
		// Across one pause only, the stretch since it ended may show a faster rate than the whole: a
		// long Retry-After from a proxy before a fast API must not pass for a slow API. Across
		// several, the pauses are the limit's own refills and the whole is the rate.
		const measured =
			this.pausesCounted === 1
				? Math.max(overall, rateOver(this.recentAccepted, now - this.recentSince))
				: overall;
		this.lastBackOff = now;
		this.nextStart = Math.max(this.nextStart, resumeAt);
		// The pause is not a stretch in which the server could have accepted anything.
		const resumesAt = Math.max(now, resumeAt);
		if (this.accepted < MIN_SAMPLES && this.rate === undefined) {
			// Too few answers to tell a rate (a shared quota, a proxy's burst limit, or a small
			// bucket emptied at once). Count from this 429 on, across the next ones and their pauses,
			// during which the server's bucket refills: a limit of a few requests a second is learned
			// after a few pauses instead of never. The answers before the first of these 429s
			// emptied a full bucket and would pass for a faster rate.
			if (this.pausesCounted === 0) this.startCounting(now, resumesAt);
			else this.startRecent(resumesAt);
			this.pausesCounted++;
			return;
		}
		this.pausesCounted = 0;
		if (this.accepted >= MIN_SAMPLES) {
			this.rate = Math.max(MIN_RATE, BACKOFF * Math.min(measured, this.rate ?? measured));
		} else if (this.rate !== undefined) {
			// Too few answers to measure, but the pace already set was too fast.
			this.rate = Math.max(MIN_RATE, BACKOFF * this.rate);
		}
		this.startCounting(resumesAt, resumesAt);
	}

	private startCounting(since: number, recentSince: number): void {
		this.accepted = 0;
		this.countingSince = since;
		this.startRecent(recentSince);
	}

	private startRecent(since: number): void {
		this.recentAccepted = 0;
		this.recentSince = since;
	}
}

/** Answers per second over `ms`, never over less than a second: one burst is not a rate. */
function rateOver(answers: number, ms: number): number {
	return (answers * 1000) / Math.max(MIN_MEASURE_MS, ms);
}
