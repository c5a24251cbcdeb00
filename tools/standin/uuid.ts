/**
 * UUID parsing the way ProductBridge's server does it: Pydantic v2 hands strings to Rust's `uuid`
 * crate, so any 32 hex digits are accepted (simple, hyphenated, braced or `urn:uuid:` form, any
 * letter case, no version or variant check), and the error wording below is the crate's own.
 */

export type UuidParseResult = { ok: true; uuid: string } | { ok: false; error: string };

const SIMPLE_FORM = /^[0-9a-fA-F]{32}$/;
const HYPHENATED_FORM =
	/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HEX_DIGIT = /^[0-9a-fA-F]$/;
const URN_PREFIX = 'urn:uuid:';
const GROUP_STARTS = [0, 9, 14, 19, 24];
const GROUP_LENGTHS = [8, 4, 4, 4, 12];

/** Returns the UUID in lowercase hyphenated form, or the crate's error message. */
export function parseUuid(input: string): UuidParseResult {
	const hex = hexDigitsOf(input);
	if (hex === undefined) return { ok: false, error: describeUuidError(input) };
	return { ok: true, uuid: hyphenate(hex.toLowerCase()) };
}

export function hyphenate(hex32: string): string {
	return [
		hex32.slice(0, 8),
		hex32.slice(8, 12),
		hex32.slice(12, 16),
		hex32.slice(16, 20),
		hex32.slice(20),
	].join('-');
}

function hexDigitsOf(input: string): string | undefined {
	if (SIMPLE_FORM.test(input)) return input;
	const { body } = splitWrapper(input);
	return HYPHENATED_FORM.test(body) ? body.replaceAll('-', '') : undefined;
}

function splitWrapper(input: string): { body: string; offset: number; simple: boolean } {
	if (input.length >= 2 && input.startsWith('{') && input.endsWith('}')) {
		return { body: input.slice(1, -1), offset: 1, simple: false };
	}
	if (input.startsWith(URN_PREFIX)) {
		return { body: input.slice(URN_PREFIX.length), offset: URN_PREFIX.length, simple: false };
	}
	return { body: input, offset: 0, simple: true };
}

/** Mirrors `InvalidUuid::into_err` of the `uuid` crate; positions are 1-based UTF-8 byte offsets. */
function describeUuidError(input: string): string {
	const { body, offset, simple } = splitWrapper(input);
	const hyphenPositions: number[] = [];
	let hyphenCount = 0;
	let byteIndex = 0;
	for (const character of body) {
		if (character === '-') {
			if (hyphenCount < 4) hyphenPositions.push(byteIndex);
			hyphenCount++;
		} else if (!HEX_DIGIT.test(character)) {
			return (
				'invalid character: expected an optional prefix of `urn:uuid:` followed by ' +
				`[0-9a-fA-F-], found \`${character}\` at ${byteIndex + offset + 1}`
			);
		}
		byteIndex += Buffer.byteLength(character);
	}
	const inputBytes = Buffer.byteLength(input);
	if (hyphenCount === 0 && simple) {
		return `invalid length: expected length 32 for simple format, found ${inputBytes}`;
	}
	if (hyphenCount !== 4) return `invalid group count: expected 5, found ${hyphenCount + 1}`;
	for (let group = 0; group < 4; group++) {
		if (hyphenPositions[group] !== GROUP_STARTS[group + 1] - 1) {
			const found = hyphenPositions[group] - GROUP_STARTS[group];
			return groupLengthError(group, found);
		}
	}
	return groupLengthError(4, inputBytes - GROUP_STARTS[4]);
}

function groupLengthError(group: number, found: number): string {
	return `invalid group length in group ${group}: expected ${GROUP_LENGTHS[group]}, found ${found}`;
}
