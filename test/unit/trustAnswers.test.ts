/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Issue 19: only ProductBridge's own words are outcomes, and nothing shown of any other answer
 * lets the key be recovered, whatever encoding carried it back.
 */
import { Readable } from 'node:stream';

import {
	deletedBody,
	MAX_JSON_DEPTH,
	mayHaveActedOn,
	nestsDeeperThan,
	readAnswer,
	userBody,
} from '../../nodes/ProductBridge/transport/answers.ts';
import { MAX_ANSWER_BYTES, readBounded } from '../../nodes/ProductBridge/transport/boundedRead.ts';
import { Redactor } from '../../nodes/ProductBridge/transport/redaction.ts';

const KEY = 'pb_unitTest_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
const USER_ID = '98471b2d-47ef-4458-b30d-6ebea23bbd20';
const REQUEST = `{"api_key":"${KEY}","user_id":"${USER_ID}"}`;

const hex = (char: string) => char.charCodeAt(0).toString(16).padStart(2, '0');
const percentEncoded = (text: string) => [...text].map((char) => `%${hex(char)}`).join('');
const unicodeEscaped = (text: string) =>
	[...text].map((char) => `\\u${hex(char).padStart(4, '0')}`).join('');
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** Every run of encoded text long enough to give away six characters of the key. */
function encodedPieces(encode: (text: string) => string, unitsPerChar: number): string[] {
	const encoded = encode(KEY);
	const length = 6 * unitsPerChar;
	const pieces: string[] = [];
	for (let start = 0; start + length <= encoded.length; start += unitsPerChar)
		pieces.push(encoded.slice(start, start + length).toLowerCase());
	return pieces;
}

/** Six key characters in base64 at each of the three alignments a prefix can give them. */
function base64Pieces(): string[] {
	const pieces: string[] = [];
	for (const lead of ['', 'a', 'ab']) {
		const encoded = base64(lead + KEY);
		// The first and last groups mix in what surrounds the key; the rest is the key's alone.
		for (let start = 4; start + 8 <= encoded.length - 4; start += 4)
			pieces.push(encoded.slice(start, start + 8));
	}
	return pieces;
}

const ENCODINGS: Array<[string, (request: string) => string, string[]]> = [
	[
		"an API gateway's isBase64Encoded echo",
		(request) => `{"isBase64Encoded":true,"body":"${base64(request)}"}`,
		base64Pieces(),
	],
	['percent-encoding', percentEncoded, encodedPieces(percentEncoded, 3)],
	['\\u escapes', unicodeEscaped, encodedPieces(unicodeEscaped, 6)],
	['upper case', (request) => request.toUpperCase(), encodedPieces((text) => text, 1)],
	['lower case', (request) => request.toLowerCase(), encodedPieces((text) => text, 1)],
];

/** Prefixes that put the key at the start, at each base64 alignment, and across the excerpt's cut. */
const OFFSETS = [0, 1, 2, 3, 40, 70, 95, 100, 105, 110, 115, 118, 121, 140];

describe('nothing shown of a foreign answer gives the key away', () => {
	const redactor = new Redactor(KEY);

	describe.each(ENCODINGS)('the request echoed in %s', (_, encode, pieces) => {
		it.each(OFFSETS)('with %i characters before it', (offset) => {
			const text = `${'.'.repeat(offset)}${encode(REQUEST)}`;
			const shown = redactor.describeAnswer({ contentType: 'application/json', text });
			const folded = shown.toLowerCase();

			expect(pieces.filter((piece) => folded.includes(piece.toLowerCase()))).toEqual([]);
			expect(shown.length).toBeLessThan(220);
		});

		it.each(OFFSETS)("in an error envelope's message, with %i characters before it", (offset) => {
			// A gateway can wrap an echo in ProductBridge's envelope: its message is shown the same way.
			const shown = redactor.excerpt(`${'.'.repeat(offset)}${encode(REQUEST)}`, 160).toLowerCase();

			expect(pieces.filter((piece) => shown.includes(piece.toLowerCase()))).toEqual([]);
		});
	});

	it('keeps what helps to diagnose: status page text, content type, size', () => {
		const shown = redactor.describeAnswer({
			contentType: 'text/html',
			text: '<html><h1>502 Bad Gateway</h1></html>',
		});

		expect(shown).toBe('text/html (37 bytes), "<html><h1>502 Bad Gateway</h1></html>"');
	});

	it('keeps a user id, which hides nothing', () => {
		const shown = redactor.describeAnswer({ contentType: '', text: `no user ${USER_ID}` });

		expect(shown).toContain(USER_ID);
	});

	it('masks an encoded key in a content type and a redirect target too', () => {
		const type = redactor.describeAnswer({ contentType: `text/${base64(KEY)}`, text: 'x' });
		const target = redactor.describeAnswer({
			contentType: '',
			text: '',
			location: `https://elsewhere.example/?k=${percentEncoded(KEY)}`,
		});

		expect(type).not.toContain(base64(KEY).slice(4, 12));
		expect(target).toBe(
			'a redirect to https://elsewhere.example[withheld: it may carry the API key back]',
		);
		const slashed = redactor.describeAnswer({
			contentType: '',
			text: '',
			location: `https://elsewhere.example/login?echo=${base64(`///${REQUEST}`).replace(/(.{10})/g, '$1/')}`,
		});
		expect(base64Pieces().filter((piece) => slashed.includes(piece))).toEqual([]);
		expect(slashed).toMatch(/^a redirect to https:\/\/elsewhere\.example/);
	});
});

describe("only ProductBridge's own words are outcomes", () => {
	const answer = (status: number, body: unknown) => ({
		status,
		contentType: 'application/json',
		text: typeof body === 'string' ? body : JSON.stringify(body),
	});

	it("a 404 about the user is 'not found'; a 404 about anything else is not", () => {
		expect(readAnswer(answer(404, { detail: { error: 'user not found' } }), deletedBody)).toEqual({
			kind: 'notFound',
		});
		expect(
			readAnswer(answer(404, { detail: { error: 'organization not found' } }), deletedBody),
		).toEqual({ kind: 'notFoundElse', serverMessage: 'organization not found' });
	});

	it('a 403 in the envelope is a key without access, like a 401', () => {
		expect(readAnswer(answer(403, { detail: { error: 'forbidden' } }), deletedBody)).toEqual({
			kind: 'rejectedKey',
			status: 403,
		});
	});

	it.each([201, 202, 204])('a %i is not a success, whatever its body', (status) => {
		expect(readAnswer(answer(status, { success: true }), deletedBody).kind).toBe('foreign');
	});

	it('an answer nested past the limit is refused before it is parsed', () => {
		const deep = `{"user_id":"${USER_ID}","x":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;

		expect(readAnswer(answer(200, deep), userBody)).toMatchObject({
			kind: 'foreign',
			unreadable: 'nesting',
		});
	});

	it('measures nesting outside strings only', () => {
		const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

		expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
		expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
		expect(nestsDeeperThan(`["${'['.repeat(500)}\\"${'{'.repeat(500)}"]`, MAX_JSON_DEPTH)).toBe(
			false,
		);
	});
});

describe('answers are read only up to a bound', () => {
	const chunk = Buffer.alloc(64 * 1024, 'a');

	/** A body that does not end before 64 MB (bounded, so that a failing test ends too). */
	function endless() {
		let pulled = 0;
		const stream = Readable.from(
			(function* () {
				while (pulled < 1024) {
					pulled++;
					yield chunk;
				}
			})(),
		);
		return { stream, pulled: () => pulled };
	}

	it('stops reading an endless body past the limit, and destroys it', async () => {
		const body = endless();
		const read = await readBounded(body.stream, MAX_ANSWER_BYTES, new AbortController().signal);

		expect(read.tooLarge).toBe(true);
		expect(read.text.length).toBe(MAX_ANSWER_BYTES);
		expect(body.stream.destroyed).toBe(true);
		expect(body.pulled()).toBeLessThan(MAX_ANSWER_BYTES / chunk.length + 20);
	});

	it('reads a body within the limit whole', async () => {
		const read = await readBounded(
			Readable.from([Buffer.from('{"succ'), Buffer.from('ess":true}')]),
			MAX_ANSWER_BYTES,
			new AbortController().signal,
		);

		expect(read).toEqual({ text: '{"success":true}', tooLarge: false });
	});

	it('ends the read when the attempt is ended', async () => {
		const body = endless();
		const ended = new AbortController();
		ended.abort();
		const read = readBounded(body.stream, Number.MAX_SAFE_INTEGER, ended.signal);

		await expect(read).rejects.toThrow();
		expect(body.stream.destroyed).toBe(true);
	});

	it('cuts a body that a helper handed over whole', async () => {
		const read = await readBounded('x'.repeat(2000), 1000, new AbortController().signal);

		expect(read).toEqual({ text: 'x'.repeat(1000), tooLarge: true });
	});

	it('an answer too large to read is no outcome, and a delete behind it may have acted', () => {
		const reading = readAnswer(
			{ status: 502, contentType: 'text/html', text: '<html>', tooLarge: true },
			deletedBody,
		);

		expect(reading).toMatchObject({ kind: 'foreign', unreadable: 'size' });
		expect(mayHaveActedOn(reading as Extract<typeof reading, { kind: 'foreign' }>)).toBe(true);
	});
});
