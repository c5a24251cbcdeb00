import {
	backoffDelay,
	classifyNetworkError,
	RETRY_AFTER_CAP_MS,
	retryAfterDelay,
} from '../../nodes/ProductBridge/transport/retryPolicy.ts';

describe('Retry-After', () => {
	const now = Date.parse('2026-11-28T10:00:00Z');

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

	it('ignores absent or unreadable values', () => {
		expect(retryAfterDelay(undefined, now)).toBeUndefined();
		expect(retryAfterDelay('', now)).toBeUndefined();
		expect(retryAfterDelay('soon', now)).toBeUndefined();
	});

	it('takes the first of repeated headers', () => {
		expect(retryAfterDelay(['1', '9'], now)).toBe(1000);
	});
});

describe('backoff', () => {
	it('grows exponentially, stays within its jitter band, and is capped', () => {
		for (let attempt = 1; attempt <= 12; attempt++) {
			const ceiling = Math.min(10_000, 250 * 2 ** (attempt - 1));
			for (let sample = 0; sample < 50; sample++) {
				const delay = backoffDelay(attempt);
				expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
				expect(delay).toBeLessThanOrEqual(ceiling);
			}
		}
	});

	it('spreads workers out instead of retrying in lockstep', () => {
		const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(3)));
		expect(delays.size).toBeGreaterThan(1);
	});
});

describe('network failures', () => {
	const wrapped = (code: string) => ({
		message: 'wrapper',
		cause: { message: `inner ${code}`, code, config: { data: '{"api_key":"pb_secret"}' } },
	});

	it('retries a refused connection and knows nothing reached the server', () => {
		expect(classifyNetworkError(wrapped('ECONNREFUSED'))).toEqual({
			code: 'ECONNREFUSED',
			message: 'inner ECONNREFUSED',
			retryable: true,
			mayHaveReachedServer: false,
		});
	});

	it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE'])(
		'retries %s but counts it as possibly delivered',
		(code) => {
			const failure = classifyNetworkError(wrapped(code));
			expect(failure).toMatchObject({ code, retryable: true, mayHaveReachedServer: true });
		},
	);

	it('does not retry failures that another try cannot fix', () => {
		expect(classifyNetworkError(wrapped('ENOTFOUND')).retryable).toBe(false);
		expect(classifyNetworkError(wrapped('ERR_TLS_CERT_ALTNAME_INVALID')).retryable).toBe(false);
		expect(classifyNetworkError(new Error('odd')).code).toBe('UNKNOWN');
	});

	it("finds the code where n8n 1.x leaves it: in its error's httpCode", () => {
		const failure = classifyNetworkError({ message: 'The connection was closed', httpCode: 'ECONNRESET' });
		expect(failure).toMatchObject({ code: 'ECONNRESET', retryable: true, mayHaveReachedServer: true });
		expect(classifyNetworkError({ message: 'Bad request', httpCode: '400' }).code).toBe('UNKNOWN');
	});

	it('keeps only code and message, never the request config that holds the key', () => {
		expect(JSON.stringify(classifyNetworkError(wrapped('ECONNRESET')))).not.toContain('pb_secret');
	});
});
