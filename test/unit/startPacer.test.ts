import { StartPacer } from '../../nodes/ProductBridge/transport/flow/pacing.ts';

/** A pacer on a clock the test moves by hand. */
function pacerAt(start = 10_000) {
	const clock = { now: start };
	const pacer = new StartPacer(() => clock.now);
	return { clock, pacer };
}

/** How long each of `count` requests booking now would wait, in a window of 32. */
function bookedStarts(pacer: StartPacer, count: number): number[] {
	return Array.from({ length: count }, () => pacer.reserve(32));
}

/** `count` answers accepted evenly over `ms` milliseconds. */
function acceptOver(clock: { now: number }, pacer: StartPacer, count: number, ms: number): void {
	for (let i = 0; i < count; i++) {
		clock.now += ms / count;
		pacer.accept();
	}
}

describe('pacing request starts after a 429', () => {
	it('does nothing until ProductBridge first says 429', () => {
		const { clock, pacer } = pacerAt();
		acceptOver(clock, pacer, 500, 2000);
		expect(bookedStarts(pacer, 50).every((wait) => wait === 0)).toBe(true);
		expect(pacer.requestsPerSecond).toBeUndefined();
	});

	it('sets the pace just below the rate the server was accepting', () => {
		const { clock, pacer } = pacerAt();
		acceptOver(clock, pacer, 200, 2000); // 100 per second
		pacer.rateLimited(clock.now - 5, clock.now);

		expect(pacer.requestsPerSecond).toBeCloseTo(90);
		const starts = bookedStarts(pacer, 4);
		expect(starts[0]).toBe(0);
		expect(starts[3] - starts[2]).toBeCloseTo(1000 / 90);
	});

	it('does not take a burst for a rate: a burst counts over at least a second', () => {
		const { clock, pacer } = pacerAt();
		acceptOver(clock, pacer, 100, 100); // a bucket of 100 emptied in a tenth of a second
		pacer.rateLimited(clock.now - 1, clock.now);
		expect(pacer.requestsPerSecond).toBeCloseTo(90);
	});

	it('resumes after the shared pause one request at a time, not all at once', () => {
		const { clock, pacer } = pacerAt();
		acceptOver(clock, pacer, 100, 1000);
		pacer.rateLimited(clock.now - 5, clock.now + 1000);

		// 32 workers wake together at the end of the pause and book their starts.
		clock.now += 1000;
		const starts = bookedStarts(pacer, 32);
		expect(starts[0]).toBe(0);
		for (let i = 1; i < starts.length; i++) {
			expect(starts[i] - starts[i - 1]).toBeCloseTo(1000 / 90);
		}
	});

	it('starts nobody before the pause is over', () => {
		const { clock, pacer } = pacerAt();
		acceptOver(clock, pacer, 100, 1000);
		pacer.rateLimited(clock.now - 5, clock.now + 1000);
		expect(pacer.reserve(32)).toBe(1000);
	});

	it('probes upward while answers are accepted, and backs off again on the next 429', () => {
		const { clock, pacer } = pacerAt();
		acceptOver(clock, pacer, 100, 1000);
		pacer.rateLimited(clock.now - 5, clock.now);
		const paced = pacer.requestsPerSecond ?? 0;

		acceptOver(clock, pacer, 90 * 5, 5000);
		const probed = pacer.requestsPerSecond ?? 0;
		// About 3 % per second: faster, but carefully.
		expect(probed).toBeGreaterThan(paced * 1.1);
		expect(probed).toBeLessThan(paced * 1.2);

		pacer.rateLimited(clock.now - 5, clock.now);
		// Just below what was accepted since the last 429 (90 per second), not just below the probe.
		expect(pacer.requestsPerSecond).toBeCloseTo(81);
	});

	it('counts the 429s of one burst once: requests sent before the back-off are old news', () => {
		const { clock, pacer } = pacerAt();
		acceptOver(clock, pacer, 100, 1000);
		const sentAt = clock.now - 5;
		pacer.rateLimited(sentAt, clock.now);
		const once = pacer.requestsPerSecond;
		clock.now += 2;
		pacer.rateLimited(sentAt, clock.now);
		pacer.rateLimited(sentAt + 1, clock.now);
		expect(pacer.requestsPerSecond).toBe(once);
	});

	it('grows by about a quarter of a request per second each second at slow rates', () => {
		const { clock, pacer } = pacerAt();
		acceptOver(clock, pacer, 30, 10_000); // three per second
		pacer.rateLimited(clock.now - 5, clock.now);
		expect(pacer.requestsPerSecond).toBeCloseTo(2.7);
		for (let second = 0; second < 4; second++) {
			const rate = pacer.requestsPerSecond ?? 0;
			acceptOver(clock, pacer, Math.round(rate) || 1, 1000);
		}
		expect(pacer.requestsPerSecond).toBeGreaterThanOrEqual(3.4);
		expect(pacer.requestsPerSecond).toBeLessThanOrEqual(4.0);
	});

	it('sets no pace from a 429 that came before enough answers to measure a rate', () => {
		const { clock, pacer } = pacerAt();
		acceptOver(clock, pacer, 3, 30);
		pacer.rateLimited(clock.now - 5, clock.now); // a shared quota or a proxy's burst limit
		expect(pacer.requestsPerSecond).toBeUndefined();
		expect(bookedStarts(pacer, 20).every((wait) => wait === 0)).toBe(true);
	});

	it('learns a limit of a few requests a second across the pauses it asks for', () => {
		// A bucket of 3 refilled at 3 per second: each wave empties it at once, then waits 1 s.
		const { clock, pacer } = pacerAt();
		for (let wave = 0; wave < 5; wave++) {
			acceptOver(clock, pacer, 3, 30);
			pacer.rateLimited(clock.now - 5, clock.now + 1000);
			clock.now += 1000;
		}
		expect(pacer.requestsPerSecond).toBeGreaterThan(2);
		expect(pacer.requestsPerSecond).toBeLessThanOrEqual(3);
	});

	it('leaves a stretch in which nothing was sent out of the rate it measures', () => {
		const { clock, pacer } = pacerAt();
		acceptOver(clock, pacer, 100, 1000);
		clock.now += 3_600_000;
		pacer.idled(3_600_000);
		acceptOver(clock, pacer, 100, 1000);
		pacer.rateLimited(clock.now - 5, clock.now);
		expect(pacer.requestsPerSecond).toBeCloseTo(90);
	});

	it('does not take a long pause that a proxy asked for early as a slow API', () => {
		const { clock, pacer } = pacerAt();
		acceptOver(clock, pacer, 2, 100);
		pacer.rateLimited(clock.now - 5, clock.now + 60_000); // a proxy's 429: come back in 60 s
		clock.now += 60_000;
		acceptOver(clock, pacer, 20, 200); // the API itself, fast, then its own 429
		pacer.rateLimited(clock.now - 5, clock.now + 1000);
		expect(pacer.requestsPerSecond).toBeCloseTo(18); // 20 answers, counted over at least 1 s
	});

	it('does not take a bucket refilled during long pauses for the rate: 1 per second', () => {
		// A bucket of 4 refilled at 1/s; each wave empties it, then waits the 4 s the server asks.
		const { clock, pacer } = pacerAt();
		for (let wave = 0; wave < 4; wave++) {
			acceptOver(clock, pacer, 4, 40);
			pacer.rateLimited(clock.now - 5, clock.now + 4000);
			clock.now += 4000;
		}
		expect(pacer.requestsPerSecond).toBeLessThanOrEqual(1.2);
	});

	it('learns a fixed window of 5 per 5 s as 1 per second, not 5', () => {
		const { clock, pacer } = pacerAt();
		for (let wave = 0; wave < 3; wave++) {
			acceptOver(clock, pacer, 5, 50);
			pacer.rateLimited(clock.now - 5, clock.now + 4950);
			clock.now += 4950;
		}
		expect(pacer.requestsPerSecond).toBeLessThanOrEqual(1.2);
	});

	it('measures a key used now and then over the busy stretch that met the 429', () => {
		const { clock, pacer } = pacerAt();
		for (let leaver = 0; leaver < 100; leaver++) {
			clock.now += 1950; // nothing in flight or waiting
			pacer.idled(1950);
			acceptOver(clock, pacer, 1, 50);
		}
		pacer.idled(1950);
		acceptOver(clock, pacer, 5, 100); // a burst of leavers meets a limit of 5 per second
		pacer.rateLimited(clock.now - 5, clock.now + 1000);
		// Five answers are too few to tell a rate: neither the round trip's 20/s nor a day's 0.5/s.
		expect(pacer.requestsPerSecond).toBeUndefined();
	});

	it('slows a pace already set when the next 429 comes before enough answers', () => {
		const { clock, pacer } = pacerAt();
		acceptOver(clock, pacer, 200, 2000);
		pacer.rateLimited(clock.now - 5, clock.now);
		const first = pacer.requestsPerSecond ?? 0;
		acceptOver(clock, pacer, 3, 30);
		pacer.rateLimited(clock.now - 5, clock.now);
		expect(pacer.requestsPerSecond).toBeLessThan(first);
	});
});

describe('spreading request starts over a round trip', () => {
	it('does nothing until a round trip has been measured: the first request goes at once', () => {
		const { pacer } = pacerAt();
		expect(bookedStarts(pacer, 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
	});

	it('lets a burst of freed slots leave over one round trip instead of all at once', () => {
		const { pacer } = pacerAt();
		pacer.roundTripTook(32);
		const waits = bookedStarts(pacer, 32);
		// A window of 32 over a 32 ms round trip: one start per millisecond.
		expect(waits).toEqual(Array.from({ length: 32 }, (_, i) => i));
	});

	it('holds back nothing when requests already leave spread out', () => {
		const { clock, pacer } = pacerAt();
		pacer.roundTripTook(32);
		const waits = [];
		for (let i = 0; i < 50; i++) {
			clock.now += 2;
			waits.push(pacer.reserve(32));
		}
		expect(waits.every((wait) => wait === 0)).toBe(true);
	});

	it('follows the round trip as it changes, smoothed', () => {
		const { pacer } = pacerAt();
		pacer.roundTripTook(32);
		for (let i = 0; i < 40; i++) pacer.roundTripTook(64);
		const waits = bookedStarts(pacer, 3);
		expect(waits[2] - waits[1]).toBeCloseTo(2, 1);
	});

	it('does not let one slow answer hold the following starts for seconds', () => {
		const { pacer } = pacerAt();
		pacer.roundTripTook(5000); // the first answer, after a cold start on the server
		const waits = bookedStarts(pacer, 8);
		expect(waits[7]).toBeLessThanOrEqual(7 * 20);
	});

	it('keeps to the rate limit when that is slower than the spread', () => {
		const { clock, pacer } = pacerAt();
		pacer.roundTripTook(32);
		acceptOver(clock, pacer, 10, 1000);
		pacer.rateLimited(clock.now - 5, clock.now);
		const waits = bookedStarts(pacer, 3);
		expect(waits[2] - waits[1]).toBeCloseTo(1000 / 9);
	});
});
