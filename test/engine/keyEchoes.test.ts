/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * What is shown of hostile answers (issue 19 points 5, 6, 8, 9, 10; from its hostile review): a scripted server on 127.0.0.1 that
 * echoes the request's key back in forms the redactor does not know, and answers that test the
 * 1 MiB bound. Each echo below is trivially reversible by whoever reads the shown text.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';

import type { IDataObject } from 'n8n-workflow';

import { forgetSharedFlows, loadPackage, runNode } from '../support/engine.ts';
import type { EngineRun, LoadedPackage } from '../support/engine.ts';

const API_KEY = 'pb_r19aReview_Q7wErTyUiOpAsDfGhJkLzXcVbNm01234';
const GRACE = '98471b2d-47ef-4458-b30d-6ebea23bbd20';

interface Reply {
	status: number;
	headers?: Record<string, string>;
	body?: string | Buffer;
	/** Sends the head, then one byte a second for at most 20 s. */
	trickle?: boolean;
}
type Script = (key: string) => Reply;

let pkg: LoadedPackage;
let server: http.Server;
let baseUrl: string;
let script: Script = () => ({ status: 200, body: '{"success":true}' });

beforeAll(async () => {
	pkg = await loadPackage(path.join(__dirname, '..', '..'));
	server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const sent = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as IDataObject;
			const reply = script(String(sent.api_key ?? ''));
			if (reply.status === -1) {
				req.socket.destroy();
				return;
			}
			if (reply.trickle) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.write('{');
				let left = 20;
				const timer = setInterval(() => {
					if (--left <= 0 || res.destroyed) {
						clearInterval(timer);
						res.end();
						return;
					}
					res.write(' ');
				}, 1000);
				res.on('close', () => clearInterval(timer));
				return;
			}
			res.writeHead(reply.status, reply.headers ?? { 'content-type': 'text/plain' });
			res.end(reply.body ?? '');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(async () => {
	await forgetSharedFlows(pkg);
});

async function run(items: IDataObject[], options: IDataObject = {}): Promise<EngineRun> {
	return await runNode(pkg, {
		nodeType: 'productBridge',
		parameters: {
			resource: 'user',
			operation: 'delete',
			onNotFound: 'continue',
			options: { maxRetries: 0, ...options },
		},
		items,
		credentials: { type: 'productBridgeApi', data: { apiKey: API_KEY, baseUrl } },
		onError: 'continueRegularOutput',
	});
}

/** Everything n8n keeps of the run, where a person would read the error. */
const kept = (result: EngineRun) => {
	return JSON.stringify(result.run);
};

const groups = (text: string, size: number) => text.match(new RegExp(`.{1,${size}}`, 'gs')) ?? [];
const hex = (text: string) => Buffer.from(text).toString('hex');
const base64 = (text: string) => Buffer.from(text).toString('base64');
const ZWSP = '\u200b';
/**
 * The first 40 characters of an echo as a message shows it (whitespace squeezed, as JSON
 * escapes it): 40 characters of any form below spell 13 or more characters of the key.
 */
const shownForm = (echo: string) =>
	JSON.stringify(echo.replace(/\s+/g, ' ').slice(0, 40)).slice(1, -1);

/** Echo forms that spell the key to a reader who knows the trivial separator. */
const ECHOES: Array<[string, (key: string) => string]> = [
	['the key in 5-character groups split by spaces', (key) => groups(key, 5).join(' ')],
	['the key in 5-character groups split by dots', (key) => groups(key, 5).join('.')],
	['the key in 5-character groups split by commas', (key) => groups(key, 5).join(',')],
	[
		'the key with a zero-width space every 5 characters (looks whole on screen)',
		(key) => groups(key, 5).join(ZWSP),
	],
	['the key spelled with a space between letters', (key) => [...key].join(' ')],
	[
		'the key reversed in 5-character groups split by spaces',
		(key) => groups([...key].reverse().join(''), 5).join(' '),
	],
	[
		'the key in fullwidth letters (reads as the key; NFKC gives it back)',
		(key) =>
			key.normalize('NFKC').replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
	],
	[
		'the key with a soft hyphen every 5 characters (invisible)',
		(key) => groups(key, 5).join('\u00ad'),
	],
	['hex bytes split by colons', (key) => groups(hex(key), 2).join(':')],
	['hex in 8-character words split by spaces', (key) => groups(hex(key), 8).join(' ')],
	['base64 folded every 12 characters', (key) => groups(base64(key), 12).join('\n')],
	['base64 split by dots every 15 characters', (key) => groups(base64(key), 15).join('.')],
	[
		'percent-encoding split by spaces every 5 bytes',
		(key) => groups([...key].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(''), 15).join(' '),
	],
];

describe('the key cannot be recovered from an echo the redactor does not know', () => {
	describe.each(ECHOES)('%s', (_, encode) => {
		it('in a foreign plain-text 400', async () => {
			script = (key) => ({ status: 400, body: `bad request: ${encode(key)}` });
			const result = await run([{ user_id: GRACE }]);
			expect(kept(result)).toMatch(/does not lead to ProductBridge's API/);
			expect(kept(result)).not.toContain(shownForm(encode(API_KEY)));
		});

		it('inside the ProductBridge envelope (400)', async () => {
			script = (key) => ({
				status: 400,
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ detail: { error: `bad key ${encode(key)}` } }),
			});
			const result = await run([{ user_id: GRACE }]);
			expect(kept(result)).toMatch(/HTTP 400/);
			expect(kept(result)).not.toContain(shownForm(encode(API_KEY)));
		});
	});

	it('in a 422 whose field path is the key in 5-character pieces (joined with dots)', async () => {
		script = (key) => ({
			status: 422,
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				detail: [{ loc: ['body', ...groups(key, 5)], msg: 'field required' }],
			}),
		});
		const result = await run([{ user_id: GRACE }]);
		expect(kept(result)).not.toContain(groups(API_KEY, 5).join('.'));
	});

	it('in a redirect whose host is the key in 5-character labels', async () => {
		script = (key) => ({
			status: 302,
			headers: { location: `http://${groups(key.toLowerCase(), 5).join('.')}.example/` },
		});
		const result = await run([{ user_id: GRACE }]);
		expect(kept(result)).toMatch(/redirect/);
		expect(kept(result)).not.toContain(groups(API_KEY.toLowerCase(), 5).join('.'));
	});

	it('in a content type made of the key in 5-character parts', async () => {
		script = (key) => ({
			status: 400,
			headers: { 'content-type': `text/${groups(key, 5).join('+')}` },
			body: 'nope',
		});
		const result = await run([{ user_id: GRACE }]);
		expect(kept(result)).not.toContain(groups(API_KEY, 5).join('+'));
	});
});

describe('what held (guards that must keep passing)', () => {
	it.each([
		[
			'base64, standard fold at 76',
			(key: string) => groups(base64(`{"api_key":"${key}"}`), 76).join('\r\n'),
		],
		['base64url at offset 1', (key: string) => Buffer.from(`x${key}`).toString('base64url')],
		['base64 at offset 2', (key: string) => base64(`xy${key}`)],
		[
			'\\u escapes',
			(key: string) => [...key].map((c) => `\\u00${c.charCodeAt(0).toString(16)}`).join(''),
		],
		['HTML entities', (key: string) => [...key].map((c) => `&#${c.charCodeAt(0)};`).join('')],
		['upper case', (key: string) => key.toUpperCase()],
		['plain hex', (key: string) => hex(key)],
	])('a foreign 400 echoing %s shows none of it', async (_, encode) => {
		script = (key) => ({ status: 400, body: `echo ${encode(key)}` });
		const result = await run([{ user_id: GRACE }]);
		const shown = kept(result);
		expect(shown).toMatch(/does not lead to ProductBridge's API/);
		for (const part of groups(encode(API_KEY).replace(/\s+/g, ' '), 16)) {
			if (part.length === 16) expect(shown).not.toContain(part);
		}
	});

	it('a gzip bomb (1 MiB compressed, 1 GiB of zeros is too slow here: 64 MiB) is cut at 1 MiB and a delete is unknown', async () => {
		const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
		script = () => ({
			status: 200,
			headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
			body: bomb,
		});
		const before = process.memoryUsage().rss;
		const result = await run([{ user_id: GRACE }]);
		const item = result.outputs[0][0].json;
		expect(JSON.stringify(item)).toMatch(/more than 1\.0 MB/);
		expect(JSON.stringify(item)).toMatch(/may have been carried out/);
		expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * 1024);
	});

	it.each([
		[201, '{"success":true}'],
		[202, ''],
		[204, ''],
		[200, '{"success":true,"extra":{"deep":[1,2,3]}}'],
	])('a %i answer %s to a delete', async (status, body) => {
		script = () => ({ status, headers: { 'content-type': 'application/json' }, body });
		const result = await run([{ user_id: GRACE }]);
		const item = result.outputs[0][0].json;
		if (status === 200) expect(item.status).toBe('deleted');
		// maxRetries 0: no earlier attempt and no lost answer; this 2xx is why it is unknown.
		else expect(JSON.stringify(item)).toMatch(/may have been carried out/);
		// An error item keeps n8n's error shape (error, message): `at` is on Delete output items.
	});

	it.each([
		['exactly 1 MiB', 0, 'deleted'],
		['1 MiB and one byte', 1, 'unknown'],
		['1 MiB less one byte', -1, 'deleted'],
	])('a {"success":true} padded to %s', async (_, delta, expected) => {
		const core = '{"success":true}';
		const body = core + ' '.repeat(1024 * 1024 + delta - core.length);
		script = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body });
		const result = await run([{ user_id: GRACE }]);
		const item = result.outputs[0][0].json;
		if (expected === 'deleted') expect(item.status).toBe('deleted');
		else
			expect(JSON.stringify(item)).toMatch(/more than 1\.0 MB[^"]*may|may have been carried out/);
	});
});

describe('two faults at once', () => {
	it('a lost answer (connection reset after the request) then a 403 envelope: still "may have been removed"', async () => {
		let calls = 0;
		script = () => {
			calls += 1;
			if (calls === 1) return { status: -1 };
			return {
				status: 403,
				headers: { 'content-type': 'application/json' },
				body: '{"detail":{"error":"forbidden"}}',
			};
		};
		const result = await run([{ user_id: GRACE }], { maxRetries: 2 });
		const item = result.outputs[0][0].json;
		expect(calls).toBe(2);
		expect(JSON.stringify(item)).toMatch(/may (already )?have been (removed|carried out)/);
	});

	it('a 200 that trickles a byte a second is ended by the request timeout as unknown', async () => {
		script = () => ({ status: 200, trickle: true });
		const result = await run([{ user_id: GRACE }], { maxRetries: 0, requestTimeout: 2000 });
		const item = result.outputs[0][0].json;
		expect(item.status).not.toBe('deleted');
		expect(JSON.stringify(item)).toMatch(/may|unknown/);
	});
});

describe('a Get whose user object, in ProductBridge shape, echoes the key encoded', () => {
	it.each([
		['base64', (key: string) => base64(`{"api_key":"${key}"}`)],
		['5-character groups', (key: string) => groups(key, 5).join(' ')],
	])('%s in a field of the user object reaches no output item', async (_, encode) => {
		script = (key) => ({
			status: 200,
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ user_id: GRACE, email: 'g@example.com', name: encode(key) }),
		});
		const result = await runNode(pkg, {
			nodeType: 'productBridge',
			parameters: { resource: 'user', operation: 'get', options: { maxRetries: 0 } },
			items: [{ user_id: GRACE }],
			credentials: { type: 'productBridgeApi', data: { apiKey: API_KEY, baseUrl } },
		});
		expect(JSON.stringify(result.run)).not.toContain(shownForm(encode(API_KEY)));
	});
});

describe('options from expressions that yield odd types', () => {
	beforeEach(() => {
		script = () => ({
			status: 200,
			headers: { 'content-type': 'application/json' },
			body: '{"success":true}',
		});
	});

	it.each([
		'={{ "userId " }}',
		'={{ ["userId"] }}',
		'={{ null }}',
		'={{ "" }}',
		'={{ "USERID" }}',
		'={{ 1 }}',
	])('Identify User By %s fails the item and sends nothing', async (expression) => {
		let calls = 0;
		script = () => {
			calls += 1;
			return {
				status: 200,
				headers: { 'content-type': 'application/json' },
				body: '{"success":true}',
			};
		};
		const result = await runNode(pkg, {
			nodeType: 'productBridge',
			parameters: {
				resource: 'user',
				operation: 'delete',
				identifyBy: expression,
				options: { maxRetries: 0 },
			},
			items: [{ user_id: GRACE }],
			credentials: { type: 'productBridgeApi', data: { apiKey: API_KEY, baseUrl } },
			onError: 'continueRegularOutput',
		});
		expect(calls).toBe(0);
		expect(String(result.outputs[0][0].json.error)).toMatch(/Identify User By must be one of/);
	});

	it.each([
		['concurrency', '={{ null }}'],
		['concurrency', '={{ "" }}'],
		['concurrency', '={{ 2.5 }}'],
		['concurrency', '={{ true }}'],
		['concurrency', '={{ "0x10" }}'],
		['maxRetries', '={{ [] }}'],
		['maxRetries', '={{ {} }}'],
		['requestTimeout', '={{ 1e309 }}'],
	])('%s %s fails with a message naming the option', async (option, expression) => {
		let calls = 0;
		script = () => {
			calls += 1;
			return {
				status: 200,
				headers: { 'content-type': 'application/json' },
				body: '{"success":true}',
			};
		};
		const result = await run([{ user_id: GRACE }], { [option]: expression });
		expect(calls).toBe(0);
		expect(String(result.outputs[0][0].json.error)).toMatch(/must be a whole number/);
	});
});
