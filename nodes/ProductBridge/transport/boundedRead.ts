/**
 * The most of an answer that is read. ProductBridge's largest answer, a user object or a 422's
 * list of fields, is a few kilobytes; a body past this is not ProductBridge's, and reading it
 * whole would cost the n8n process its memory.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** An answer's body as text, and whether it was cut off at the limit. */
export interface BodyText {
	text: string;
	tooLarge: boolean;
}

interface Stream extends AsyncIterable<unknown> {
	destroy?: () => void;
}

/**
 * Reads a body that n8n's helper hands over as a stream (`encoding: 'stream'`), up to `limit`
 * bytes: past it, or when `ended` fires, the stream is destroyed and nothing more is read. A body
 * that came whole (a helper that ignored the option) is cut to the limit as well.
 */
export async function readBounded(
	body: unknown,
	limit: number,
	ended: AbortSignal,
): Promise<BodyText> {
	if (!isStream(body)) return cut(toBuffer(body), limit);
	const stop = () => body.destroy?.();
	if (ended.aborted) stop();
	else ended.addEventListener('abort', stop, { once: true });
	const chunks: Buffer[] = [];
	let size = 0;
	try {
		for await (const chunk of body) {
			// A stream that ignores destroy() still stops here.
			ended.throwIfAborted();
			const bytes = toBuffer(chunk);
			chunks.push(bytes);
			size += bytes.length;
			if (size > limit) {
				stop();
				return cut(Buffer.concat(chunks), limit);
			}
		}
	} finally {
		ended.removeEventListener('abort', stop);
	}
	return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: false };
}

function isStream(body: unknown): body is Stream {
	return (
		typeof body === 'object' &&
		body !== null &&
		typeof (body as Partial<Stream>)[Symbol.asyncIterator] === 'function'
	);
}

function toBuffer(value: unknown): Buffer {
	if (Buffer.isBuffer(value)) return value;
	if (value instanceof Uint8Array) return Buffer.from(value);
	if (typeof value === 'string') return Buffer.from(value, 'utf8');
	if (value === undefined || value === null) return Buffer.alloc(0);
	return Buffer.from(JSON.stringify(value) ?? '', 'utf8');
}

function cut(bytes: Buffer, limit: number): BodyText {
	if (bytes.length <= limit) return { text: bytes.toString('utf8'), tooLarge: false };
	return { text: bytes.subarray(0, limit).toString('utf8'), tooLarge: true };
}
