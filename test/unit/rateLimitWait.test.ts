import { decideLater, isComeBackLater } from '../../nodes/ProductBridge/transport/retryPolicy.ts';

const now = Date.parse('2026-11-28T10:00:00Z');
const noJitter = () => 0;

describe('"not yet" answers', () => {
	it('are a 429, or a 503 that says when to come back', () => {
		expect(isComeBackLater(429, undefined)).toBe(true);
		expect(isComeBackLater(503, '2')).toBe(true);
		expect(isComeBackLater(503, undefined)).toBe(false);
		expect(isComeBackLater(500, '2')).toBe(false);
	});
});

describe('the time budget for rate limits', () => {
	it('waits what Retry-After asks while the budget covers it', () => {
		expect(decideLater('2', 1, 5000, noJitter, now)).toEqual({ wait: true, delayMs: 2000 });
	});

	it('waits what an HTTP-date Retry-After asks', () => {
		const inThree = new Date(now + 3000).toUTCString();
		expect(decideLater(inThree, 1, 5000, noJitter, now)).toEqual({ wait: true, delayMs: 3000 });
	});

	it('gives up at once when the server asks for more than is left, saying what it asked', () => {
		expect(decideLater('3600', 1, 300_000, noJitter, now)).toEqual({
			wait: false,
			askedMs: 3_600_000,
			leftMs: 300_000,
		});
	});

	it('never waits less than the backoff, and the backoff grows with each "not yet"', () => {
		expect(decideLater('0', 1, 60_000, noJitter, now)).toEqual({ wait: true, delayMs: 125 });
		expect(decideLater(undefined, 3, 60_000, noJitter, now)).toEqual({
			wait: true,
			delayMs: 500,
		});
	});

	it('gives up without naming a wait when only its own backoff outlasts the budget', () => {
		expect(decideLater('0', 4, 900, noJitter, now)).toEqual({
			wait: false,
			askedMs: undefined,
			leftMs: 900,
		});
	});

	it('with a budget of zero, waits for nothing', () => {
		expect(decideLater('1', 1, 0, noJitter, now)).toMatchObject({ wait: false, askedMs: 1000 });
	});
});
