import type { IDataObject } from 'n8n-workflow';

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

	constructor(apiKey: unknown) {
		this.key = typeof apiKey === 'string' ? apiKey.trim() : '';
		const pieces = new Set<string>();
		for (let start = 0; start + PIECE_LENGTH <= this.key.length; start++) {
			pieces.add(this.key.slice(start, start + PIECE_LENGTH));
		}
		this.pieces = pieces;
	}

	/** The text with the key and every piece of it (six characters or more) masked. */
	redact(text: string): string {
		if (this.key === '') return text;
		const whole = text.split(this.key).join(MASK);
		if (this.pieces.size === 0) return whole;
		const covered = new Uint8Array(whole.length);
		let found = false;
		for (let start = 0; start + PIECE_LENGTH <= whole.length; start++) {
			if (this.pieces.has(whole.slice(start, start + PIECE_LENGTH))) {
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
	 * A deep copy of server JSON that is safe to put in an output item: no `api_key` at any depth,
	 * no key that could become a prototype, every string redacted.
	 */
	clean(value: unknown): unknown {
		if (typeof value === 'string') return this.redact(value);
		if (Array.isArray(value)) return value.map((entry) => this.clean(entry));
		if (typeof value !== 'object' || value === null) return value;
		const copy: IDataObject = {};
		for (const [field, entry] of Object.entries(value)) {
			if (!DROPPED_KEYS.has(field)) copy[this.redact(field)] = this.clean(entry) as IDataObject;
		}
		return copy;
	}
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
