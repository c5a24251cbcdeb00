/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
import {
	readAnswer,
	deletedBody,
	userBody,
	parseJson,
} from '../../nodes/ProductBridge/transport/answers.ts';
import { readBaseUrl } from '../../nodes/ProductBridge/transport/baseUrl.ts';
import { Redactor } from '../../nodes/ProductBridge/transport/redaction.ts';

const KEY = 'pb_unitTest_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

describe('redaction', () => {
	const redactor = new Redactor(KEY);
	const pieceOfKey = (text: string) =>
		Array.from({ length: KEY.length - 5 }, (_, i) => KEY.slice(i, i + 6)).some((piece) =>
			text.includes(piece),
		);

	it('masks the whole key', () => {
		expect(redactor.redact(`{"api_key":"${KEY}"}`)).toBe('{"api_key":"[redacted]"}');
	});

	it('masks any piece of six characters or more, at a cut or in the middle', () => {
		expect(redactor.redact(`echo: ${KEY.slice(0, 21)}`)).toBe('echo: [redacted]');
		expect(redactor.redact(`…${KEY.slice(30)} tail`)).toBe('…[redacted] tail');
		expect(redactor.redact(`x${KEY.slice(10, 17)}y`)).toBe('x[redacted]y');
	});

	it.each(Array.from({ length: 60 }, (_, cut) => cut + 120))(
		'leaves no piece of the key when an echo is summarised around position %i',
		(prefix) => {
			const echo = `${'.'.repeat(prefix)}{"api_key":"${KEY}","user_id":"u"}`;
			expect(pieceOfKey(redactor.summarize(echo, 160))).toBe(false);
		},
	);

	it('cleans server JSON: no api_key at any depth, no prototype keys, strings redacted', () => {
		const parsed = parseJson(
			`{"user_id":"u","api_key":"${KEY}","__proto__":{"polluted":true},"nested":{"api_key":"x","note":"key ${KEY}"},"list":[{"api_key":"y"}]}`,
		);
		const clean = redactor.clean(parsed) as Record<string, unknown>;

		expect(clean).toEqual({ user_id: 'u', nested: { note: 'key [redacted]' }, list: [{}] });
		expect(Object.getPrototypeOf(clean)).toBe(Object.prototype);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('drops a prototype key spelt with escapes too', () => {
		const parsed = parseJson('{"\\u005f_proto__":{"polluted":true},"user_id":"u"}') as object;
		expect(Object.keys(parsed)).toEqual(['user_id']);
	});

	it('does nothing without a key', () => {
		expect(new Redactor('').redact('pb_anything')).toBe('pb_anything');
	});
});

describe('the Base URL', () => {
	it.each([
		['https://api.productbridge.io', 'https://api.productbridge.io/api/external/v1'],
		[' https://api.productbridge.io/ ', 'https://api.productbridge.io/api/external/v1'],
		[
			'https://api.productbridge.io/api/external/v1/',
			'https://api.productbridge.io/api/external/v1',
		],
		['https://gw.example.com/pb', 'https://gw.example.com/pb/api/external/v1'],
		['http://127.0.0.1:8080', 'http://127.0.0.1:8080/api/external/v1'],
		['http://localhost:3000', 'http://localhost:3000/api/external/v1'],
		['http://[::1]:3000', 'http://[::1]:3000/api/external/v1'],
	])('accepts %s', (raw, apiRoot) => {
		expect(readBaseUrl(raw)).toMatchObject({ ok: true, apiRoot });
	});

	it.each([
		['', 'empty'],
		['api.productbridge.io', 'not a URL'],
		['http://api.productbridge.io', 'HTTPS only'],
		['http://10.0.0.5', 'HTTPS only'],
		['ftp://api.productbridge.io', 'not supported'],
		['https://user:s3cret@api.productbridge.io', 'user name or password'],
		['https://api.productbridge.io?x=1', 'query'],
		['https://api.productbridge.io/#top', 'fragment'],
	])('refuses %p, saying why', (raw, why) => {
		const reading = readBaseUrl(raw);
		expect(reading.ok).toBe(false);
		expect(reading.ok ? '' : reading.problem).toContain(why);
		expect(reading.ok ? '' : reading.problem).not.toContain('s3cret');
	});
});

describe('reading an answer', () => {
	const answer = (status: number, body: unknown, contentType = 'application/json') => ({
		status,
		contentType,
		text: typeof body === 'string' ? body : JSON.stringify(body),
	});

	it("is an outcome only in ProductBridge's documented shapes", () => {
		expect(readAnswer(answer(200, { success: true }), deletedBody).kind).toBe('success');
		expect(readAnswer(answer(404, { detail: { error: 'user not found' } }), deletedBody).kind).toBe(
			'notFound',
		);
		expect(
			readAnswer(answer(401, { detail: { error: 'invalid api_key' } }), deletedBody).kind,
		).toBe('rejectedKey');
		expect(readAnswer(answer(400, { detail: { error: 'owner' } }), deletedBody)).toMatchObject({
			kind: 'refused',
			serverMessage: 'owner',
		});
		expect(
			readAnswer(
				answer(422, { detail: [{ loc: ['body', 'user_id'], msg: 'Field required', input: {} }] }),
				deletedBody,
			),
		).toEqual({ kind: 'invalidRequest', problems: 'user_id: Field required' });
	});

	it.each([
		['a 404 without the envelope (a wrong path)', answer(404, { detail: 'Not Found' })],
		['an HTML 404 from a proxy', answer(404, '<html><body>Not Found</body></html>', 'text/html')],
		['a 200 that is not {"success": true}', answer(200, { success: false })],
		['a 200 that is not JSON', answer(200, 'OK', 'text/plain')],
		['a redirect', answer(307, '')],
		['a 401 from something else', answer(401, '<h1>Unauthorized</h1>', 'text/html')],
		['a 422 that is not a FastAPI list', answer(422, { detail: 'bad' })],
	])('treats %s as not ProductBridge', (_, raw) => {
		expect(readAnswer(raw, deletedBody).kind).toBe('foreign');
	});

	it('lets a gateway error be retried, whatever its body', () => {
		expect(
			readAnswer(answer(502, '<html>Bad Gateway</html>', 'text/html'), deletedBody),
		).toMatchObject({
			kind: 'transient',
			status: 502,
		});
	});

	it('requires a user object with a UUID user_id from a retrieve', () => {
		expect(
			readAnswer(answer(200, { user_id: '240f6070-d2d3-4ce1-9461-5188bed8fc1d' }), userBody).kind,
		).toBe('success');
		expect(readAnswer(answer(200, { id: 'x' }), userBody).kind).toBe('foreign');
	});
});
