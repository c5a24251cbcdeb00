const SHOWN_LENGTH = 60;

/**
 * A value as an error message shows it: text in quotes, anything else as it would be written in
 * JSON (numbers as they are, so NaN stays NaN), cut after 60 characters. `withType` names the
 * type of a value that is not text, for messages about the type ("got number 42").
 */
export function describeValue(value: unknown, { withType = false } = {}): string {
	if (typeof value === 'string') return `'${cut(value)}'`;
	const shown =
		typeof value === 'object' && value !== null ? cut(JSON.stringify(value) ?? '') : String(value);
	return withType ? `${typeof value} ${shown}` : shown;
}

function cut(text: string): string {
	return text.length > SHOWN_LENGTH ? `${text.slice(0, SHOWN_LENGTH)}…` : text;
}
