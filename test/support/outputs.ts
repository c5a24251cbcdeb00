/**
 * The items the node promises, as every test layer expects them: one place for their shapes, so
 * a change of shape is one change here.
 */

/** The documented fields of ProductBridge's user object: every Get item has them, null where unknown. */
export const NO_USER = {
	id: null,
	user_id: null,
	email: null,
	name: null,
	avatar_url: null,
	portal_role: null,
	company_name: null,
	customer_status: null,
	created_at: null,
} as const;

/**
 * A Delete item: every one has the same keys, so a run lines up as rows of an audit sheet.
 * `deleted` follows from `status` unless given; email and name are null when nothing looked the
 * user up. Keys in the node's order: the AI-tool tests compare items as JSON text.
 */
/** The source of a pattern for the `at` of a Delete item: an ISO 8601 time in UTC, as Date writes it. */
export const ISO_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$';

/**
 * `at` is a time the run chooses: jest's matcher for it unless the caller gives its own (the
 * scenario table gives a TextMatch).
 */
export function deleteItem({
	status,
	at = expect.stringMatching(new RegExp(ISO_TIME)),
	...fields
}: { status: string } & Record<string, unknown>): Record<string, unknown> {
	const deleted = status === 'deleted' ? true : status === 'deleted_or_not_found' ? null : false;
	return {
		user_id: null,
		email: null,
		name: null,
		status,
		deleted,
		confirmed_on_retry: false,
		verified: null,
		note: null,
		...fields,
		at,
	};
}
