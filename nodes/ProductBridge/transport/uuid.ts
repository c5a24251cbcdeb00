// Pydantic's UUID type: 32 hex digits, hyphenated 8-4-4-4-12 or not, any case, any version.
export const UUID_PATTERN =
	/^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$/i;

/** Same text for every spelling of one id (lower case, hyphenated), so duplicates meet. */
export function canonicalUuid(uuid: string): string {
	const hex = uuid.replace(/-/g, '').toLowerCase();
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
