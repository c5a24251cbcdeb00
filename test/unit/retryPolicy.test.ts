import {
	backoffDelay,
	classifyNetworkError,
	decideRetry,
	RETRY_AFTER_CAP_MS,
	retryAfterDelay,
} from '../../nodes/ProductBridge/transport/retryPolicy.ts';

const now = Date.parse('2026-11-28T10:00:00Z');
const noJitter = () => 0;
const fullJitter = () => 0.999;

describe('Retry-After', () => {
	it('reads whole and fractional seconds', () => {
		expect(retryAfterDelay('2', now)).toBe(2000);
		expect(retryAfterDelay(' 0.5 ', now)).toBe(500);
	});

	it('reads an HTTP date as the time left until then', () => {
		expect(retryAfterDelay('Sat, 28 Nov 2026 10:00:03 GMT', now)).toBe(3000);
	});

	it('treats a date in the past as "now"', () => {
		expect(retryAfterDelay('Sat, 28 Nov 2026 09:59:00 GMT', now)).toBe(0);
	});

	it('caps what a server may ask for', () => {
		expect(retryAfterDelay('86400', now)).toBe(RETRY_AFTER_CAP_MS);
	});

	it.each([undefined, '', 'soon', '-1', '+5', '5s', '1e3', 42])('ignores %p', (value) => {
		expect(retryAfterDelay(value, now)).toBeUndefined();
	});

	it('takes the first of repeated headers', () => {
		expect(retryAfterDelay(['1', '9'], now)).toBe(1000);
	});
});

describe('backoff', () => {
	it('grows exponentially, stays within its jitter band, and is capped', () => {
		expect(backoffDelay(1, noJitter)).toBe(125);
		expect(backoffDelay(1, fullJitter)).toBeLessThan(250);
		expect(backoffDelay(3, noJitter)).toBe(500);
		expect(backoffDelay(20, fullJitter)).toBeLessThan(10_000);
		expect(backoffDelay(20, noJitter)).toBe(5000);
	});
});

describe('the retry decision for an HTTP status', () => {
	const decide = (status: number, retryAfter?: unknown, attempt = 1, maxRetries = 5) =>
		decideRetry({ status, retryAfter }, attempt, maxRetries, noJitter, now);

	it.each([
		// status, retried, may have acted
		[408, true, false],
		[429, true, false],
		[500, true, true],
		[502, true, true],
		[503, true, true],
		[504, true, true],
		[400, false, false],
		[401, false, false],
		[404, false, false],
		[422, false, false],
		[301, false, false],
		[307, false, false],
		[501, false, true],
		[520, true, true],
		[524, true, true],
	])('HTTP %i: retried %p, may have acted %p', (status, retried, acted) => {
		expect(decide(status)).toMatchObject({ retry: retried, mayHaveActed: acted });
	});

	it("counts ProductBridge's own 503 as turned away, a proxy's 503 as possibly passed on", () => {
		expect(decideRetry({ status: 503, fromProductBridge: true }, 1, 5).mayHaveActed).toBe(false);
		expect(decideRetry({ status: 503, fromProductBridge: false }, 1, 5).mayHaveActed).toBe(true);
		expect(decideRetry({ status: 502, fromProductBridge: true }, 1, 5).mayHaveActed).toBe(true);
	});

	it('stops once Max Retries more attempts have been made', () => {
		expect(decide(503, undefined, 5, 5).retry).toBe(true);
		expect(decide(503, undefined, 6, 5).retry).toBe(false);
		expect(decide(503, undefined, 1, 0).retry).toBe(false);
	});

	it('pauses everyone on a 429, with or without Retry-After', () => {
		expect(decide(429).pauseEveryone).toBe(true);
		expect(decide(429, '2').pauseEveryone).toBe(true);
	});

	it('pauses everyone when a 503 carries Retry-After, only this request otherwise', () => {
		expect(decide(503, '1').pauseEveryone).toBe(true);
		expect(decide(503).pauseEveryone).toBe(false);
	});

	it('waits as long as Retry-After asks, in seconds or as a date', () => {
		expect(decide(429, '3').delayMs).toBe(3000);
		expect(decide(429, 'Sat, 28 Nov 2026 10:00:04 GMT').delayMs).toBe(4000);
	});

	it.each(['0', '-1', '+5', 'Sat, 28 Nov 2026 09:00:00 GMT', 'garbage'])(
		'never waits less than the backoff, whatever Retry-After says (%s)',
		(retryAfter) => {
			for (let attempt = 1; attempt <= 6; attempt++) {
				const decision = decideRetry({ status: 429, retryAfter }, attempt, 10, noJitter, now);
				expect(decision.delayMs).toBeGreaterThanOrEqual(backoffDelay(attempt, noJitter));
				expect(decision.delayMs).toBeGreaterThan(0);
			}
		},
	);
});

describe('the retry decision for a network failure', () => {
	const decide = (networkCode: string, attempt = 1) =>
		decideRetry({ networkCode }, attempt, 3, noJitter, now);

	it.each(['ECONNREFUSED', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'])(
		'retries %s, knowing nothing reached the server',
		(code) => {
			expect(decide(code)).toEqual({
				retry: true,
				delayMs: 125,
				pauseEveryone: false,
				mayHaveActed: false,
			});
		},
	);

	it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE'])(
		'retries %s but counts it as possibly carried out',
		(code) => {
			expect(decide(code)).toMatchObject({ retry: true, mayHaveActed: true });
		},
	);

	it.each(['ENOTFOUND', 'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT'])(
		'does not retry %s, which another try cannot fix, and knows nothing was sent',
		(code) => {
			expect(decide(code)).toMatchObject({ retry: false, mayHaveActed: false });
		},
	);

	it('does not retry an unknown failure, and does not pretend it did nothing', () => {
		expect(decide('UNKNOWN')).toMatchObject({ retry: false, mayHaveActed: true });
	});

	it('stops after Max Retries', () => {
		expect(decide('ECONNRESET', 4).retry).toBe(false);
	});
});

describe('reading a network failure', () => {
	const wrapped = (code: string) => ({
		message: 'outer',
		cause: { message: `inner ${code}`, code, config: { data: '{"api_key":"pb_secret"}' } },
	});

	it('takes the innermost code and message', () => {
		expect(classifyNetworkError(wrapped('ECONNREFUSED'))).toEqual({
			code: 'ECONNREFUSED',
			message: 'inner ECONNREFUSED',
		});
		expect(classifyNetworkError(new Error('odd')).code).toBe('UNKNOWN');
	});

	it("finds the code where n8n 1.x leaves it: in its error's httpCode", () => {
		expect(
			classifyNetworkError({ message: 'The connection was closed', httpCode: 'ECONNRESET' }).code,
		).toBe('ECONNRESET');
		expect(classifyNetworkError({ message: 'Bad request', httpCode: '400' }).code).toBe('UNKNOWN');
	});

	it('keeps only code and message, never the request config that holds the key', () => {
		expect(JSON.stringify(classifyNetworkError(wrapped('ECONNRESET')))).not.toContain('pb_secret');
	});
});
