import type { IDataObject } from 'n8n-workflow';

import { MAX_JSON_DEPTH } from './answers';
import { MAX_ANSWER_BYTES } from './boundedRead';

const MASK = '[redacted]';

/** A piece of the key this long, found anywhere, is treated as the key. */
const PIECE_LENGTH = 6;

/** Keys a server object may carry that must never reach an output item. */
const DROPPED_KEYS: ReadonlySet<string> = new Set([
	'api_key',
	'__proto__',
	'constructor',
	'prototype',
]);

/**
 * Keeps the API key, whole or in pieces, out of everything that leaves the transport. Texts are
 * redacted before they are shortened, so a cut can never leave part of the key behind.
 */
export class Redactor {
	private readonly key: string;

	private readonly pieces: ReadonlySet<string>;

	/** Windows of the key's skeleton in the forms an echo may take (see `echoSkeletons`). */
	private readonly echoes: ReadonlySet<string>;

	constructor(apiKey: unknown) {
		this.key = typeof apiKey === 'string' ? apiKey.trim() : '';
		// Compared without letter case: a key shown in other case is still the key.
		const folded = foldCase(this.key);
		const pieces = new Set<string>();
		for (let start = 0; start + PIECE_LENGTH <= folded.length; start++) {
			pieces.add(folded.slice(start, start + PIECE_LENGTH));
		}
		this.pieces = pieces;
		this.echoes = windowsOf(echoSkeletons(this.key));
	}

	/**
	 * Whether the text may carry the key back in a form the piece masking cannot see: split by
	 * separators or invisible characters, in fullwidth letters, reversed, in hex or base64.
	 */
	mayEcho(text: string): boolean {
		if (this.echoes.size === 0) return false;
		const seen = skeleton(text);
		for (let start = 0; start + ECHO_WINDOW <= seen.length; start++) {
			if (this.echoes.has(seen.slice(start, start + ECHO_WINDOW))) return true;
		}
		return false;
	}

	/** The text with the key and every piece of it (six characters or more, in any letter case) masked. */
	redact(text: string): string {
		if (this.key === '') return text;
		const whole = text.split(this.key).join(MASK);
		if (this.pieces.size === 0) return whole;
		const folded = foldCase(whole);
		const covered = new Uint8Array(whole.length);
		let found = false;
		for (let start = 0; start + PIECE_LENGTH <= folded.length; start++) {
			if (this.pieces.has(folded.slice(start, start + PIECE_LENGTH))) {
				covered.fill(1, start, start + PIECE_LENGTH);
				found = true;
			}
		}
		return found ? maskCovered(whole, covered) : whole;
	}

	/** Redacted first, then squeezed onto one line and cut to `limit` characters. */
	summarize(value: unknown, limit = 160): string {
		const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
		const oneLine = text.replace(/\s+/g, ' ').trim();
		// Only what can be shown is redacted, so a huge body costs no more than a short one. The
		// window reaches past the cut by more than a key; where it cuts through a key, fewer than
		// PIECE_LENGTH characters of it stay unmasked at its very end, and those are dropped.
		const window = limit + 2 * Math.max(this.key.length, PIECE_LENGTH) + 16;
		const cutByWindow = oneLine.length > window;
		let shown = this.redact(oneLine.slice(0, window));
		if (cutByWindow) shown = shown.slice(0, -PIECE_LENGTH);
		return shown.length > limit || cutByWindow ? `${shown.slice(0, limit)}…` : shown;
	}

	/**
	 * What may be shown of an answer that is not ProductBridge's envelope: its content type, its
	 * size and a short excerpt. Such text can carry the request back in any encoding (base64,
	 * percent-encoding, unicode escapes), so besides the key's pieces every long token-like run is
	 * masked, whatever it encodes.
	 */
	describeAnswer(answer: {
		contentType: string;
		text: string;
		location?: string;
		unreadable?: 'size' | 'nesting';
	}): string {
		if (answer.location !== undefined) {
			// The origin stays readable; a path or query can carry an echo like any body.
			const origin = ORIGIN.exec(answer.location)?.[0] ?? '';
			const rest = answer.location.slice(origin.length);
			return `a redirect to ${this.excerpt(origin, 80, SEGMENT_TOKEN)}${rest ? this.excerpt(rest, 80) : ''}`;
		}
		const type = answer.contentType
			? `${this.excerpt(answer.contentType, 60, SEGMENT_TOKEN)} `
			: '';
		const size =
			answer.unreadable === 'size'
				? `(more than ${describeSize(MAX_ANSWER_BYTES)}, far more than any ProductBridge answer; the rest was not read)`
				: `(${describeSize(Buffer.byteLength(answer.text))})`;
		if (answer.text.trim() === '') return `${type}${size}, an empty body`;
		if (answer.unreadable === 'nesting') {
			return `${type}${size}, JSON nested more than ${MAX_JSON_DEPTH} levels deep, deeper than any ProductBridge answer`;
		}
		return `${type}${size}, "${this.excerpt(answer.text, 120)}"`;
	}

	/** Redacted, token-like runs masked, on one line and cut to `limit` characters. */
	excerpt(value: string, limit: number, token = LONG_TOKEN): string {
		const oneLine = value.replace(/\s+/g, ' ').trim();
		// A run cut by the window may be shorter than a long token: it is dropped, not shown.
		const window = limit + 2 * Math.max(this.key.length, PIECE_LENGTH) + 64;
		let shown = oneLine.slice(0, window);
		// What piece masking leaves may still spell the key in another form: then nothing is shown.
		if (this.mayEcho(this.redact(shown))) return WITHHELD;
		const cutByWindow = oneLine.length > window;
		if (cutByWindow) shown = shown.replace(TRAILING_TOKEN_CHARACTERS, '');
		// A hyphenated UUID (a user id, a request id) says what the answer is about and hides nothing.
		shown = this.redact(shown).replace(token, (run) => (HYPHENATED_UUID.test(run) ? run : MASK));
		return shown.length > limit || cutByWindow ? `${shown.slice(0, limit)}…` : shown;
	}

	/**
	 * A deep copy of server JSON that is safe to put in an output item: no `api_key` at any depth,
	 * no key that could become a prototype, every string redacted.
	 */
	clean(value: unknown): unknown {
		if (typeof value === 'string') {
			const redacted = this.redact(value);
			return this.mayEcho(redacted) ? MASK : redacted;
		}
		if (Array.isArray(value)) return value.map((entry) => this.clean(entry));
		if (typeof value !== 'object' || value === null) return value;
		const copy: IDataObject = {};
		for (const [field, entry] of Object.entries(value)) {
			if (!DROPPED_KEYS.has(field)) copy[this.redact(field)] = this.clean(entry) as IDataObject;
		}
		return copy;
	}
}

/**
 * 16 or more characters that could spell an encoded secret: letters, digits and the marks of
 * base64 (`+/=`), percent-encoding (`%`), unicode escapes (backslash) and HTML entities (`&#;`). Ordinary words
 * are shorter; an encoded key (46 characters or more) never is.
 */
const LONG_TOKEN = /[\w\-+/=%\\&#;]{16,}/g;
/** The same in a content type or a URL's origin, where `/` and `+` part names (application/problem+json). */
const SEGMENT_TOKEN = /[\w\-=%\\&#;]{16,}/g;
const ORIGIN = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i;
const HYPHENATED_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRAILING_TOKEN_CHARACTERS = /[\w\-+/=%\\&#;]+$/;

const WITHHELD = '[withheld: it may carry the API key back]';

/** Letters and digits compared at a time: ten in a row of the key's skeleton never occur by chance. */
const ECHO_WINDOW = 10;

/**
 * Letters and digits only, lower case, after NFKC (fullwidth letters become plain ones) and
 * percent-decoding: separators, invisible characters, escapes' marks and letter case fall away.
 */
function skeleton(text: string): string {
	const decoded = text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) =>
		String.fromCharCode(parseInt(hex, 16)),
	);
	return decoded
		.normalize('NFKC')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '');
}

/** The key's skeleton as it is, reversed, in hex and in base64 at each of its three alignments. */
function echoSkeletons(key: string): string[] {
	if (key === '') return [];
	const bytes = Buffer.from(key, 'utf8');
	const forms = [key, [...key].reverse().join(''), bytes.toString('hex')];
	for (let offset = 0; offset < 3; offset++) forms.push(bytes.subarray(offset).toString('base64'));
	return forms.map(skeleton);
}

function windowsOf(skeletons: string[]): ReadonlySet<string> {
	const windows = new Set<string>();
	for (const form of skeletons) {
		for (let start = 0; start + ECHO_WINDOW <= form.length; start++) {
			windows.add(form.slice(start, start + ECHO_WINDOW));
		}
	}
	return windows;
}

/** Lower case for ASCII letters only, so that every character keeps its place. */
function foldCase(text: string): string {
	return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

function describeSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} bytes`;
	if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function maskCovered(text: string, covered: Uint8Array): string {
	let result = '';
	for (let index = 0; index < text.length; ) {
		if (covered[index] === 0) {
			result += text[index++];
			continue;
		}
		while (index < text.length && covered[index] === 1) index++;
		result += MASK;
	}
	return result;
}
