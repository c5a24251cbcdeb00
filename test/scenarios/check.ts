/**
 * What both runners do with a row: fill in the run-time placeholders, and compare what came out
 * and what the stand-in saw with what the row expects. Uses jest's `expect`.
 */
import type { CallRecord, StandIn } from '../../tools/standin/server.ts';
import { TextMatch } from './types.ts';
import type {
	Count,
	Effects,
	Expected,
	ExpectedItem,
	Json,
	JsonObject,
	NodeParameters,
	Scenario,
	Sent,
} from './types.ts';

export const DELETE_PATH = '/users/delete';

/** What a run put out, from either layer, reduced to what a workflow author sees. */
export type ActualRun =
	| { main: ActualItem[]; error: ActualItem[] }
	| {
			stop: {
				/** The input item the error names (its context's itemIndex), null when none. */
				itemIndex: number | null;
				/** The node the error comes from. */
				node: string | undefined;
				message?: string;
				description?: string | null;
				name?: string;
				httpCode?: string | null;
			};
	  };
export interface ActualItem {
	json: unknown;
	pairedItem: unknown;
}

export interface Places {
	apiKey: string;
	url: string;
}

/**
 * A wrong key that looks right: the stand-in answers 401 to it. Letters in both cases and no run
 * of digits, so none of its 6-character pieces can occur in a UUID, an id or a count.
 */
export const WRONG_KEY = 'pb_wRoNgKeYqTzXvBnMlKjHgFdSaPoIuYtReWqAsDfGhJ';

/** The node's redaction masks any piece of the key this long, so none may show anywhere. */
export const KEY_PIECE_LENGTH = 6;

/** Every KEY_PIECE_LENGTH-character piece of a key (the key itself included). */
export function keyPieces(key: string): string[] {
	const pieces = new Set<string>();
	for (let start = 0; start + KEY_PIECE_LENGTH <= key.length; start++)
		pieces.add(key.slice(start, start + KEY_PIECE_LENGTH));
	return [...pieces];
}

/** The name the node under test has in both runners' workflows. */
export const NODE_NAME = 'ProductBridge';

/** The row's node parameters as n8n stores them: resource `user` unless set, `more` merged in. */
export function nodeParameters(node: NodeParameters): JsonObject {
	const parameters: JsonObject = { resource: 'user' };
	for (const [name, value] of Object.entries(node))
		if (name !== 'more' && value !== undefined) parameters[name] = value as Json;
	return { ...parameters, ...node.more };
}

export function fillText(text: string, places: Places): string {
	return text
		.split('{apiKey}')
		.join(places.apiKey)
		.split('{url}')
		.join(places.url)
		.split('{host}')
		.join(new URL(places.url).host);
}

/** The row's JSON with placeholders filled in (items, faults, parameters). */
export function fill<T>(value: T, places: Places): T {
	const walk = (inner: unknown): unknown => {
		if (typeof inner === 'string') return fillText(inner, places);
		if (Array.isArray(inner)) return inner.map(walk);
		if (inner !== null && typeof inner === 'object')
			return Object.fromEntries(Object.entries(inner).map(([key, field]) => [key, walk(field)]));
		return inner;
	};
	return walk(value) as T;
}

/** An expectation as jest matchers: TextMatch becomes stringContaining / stringMatching. */
function asMatcher(value: Expected, places: Places): unknown {
	if (value instanceof TextMatch) {
		const text = fillText(value.text, places);
		if (value.kind === 'contains') return expect.stringContaining(text);
		if (value.kind === 'startsWith') return expect.stringMatching(new RegExp(`^${escape(text)}`));
		return expect.stringMatching(new RegExp(text));
	}
	if (typeof value === 'string') return fillText(value, places);
	if (Array.isArray(value)) return value.map((inner) => asMatcher(inner, places));
	if (value !== null && typeof value === 'object')
		return Object.fromEntries(
			Object.entries(value).map(([key, inner]) => [key, asMatcher(inner, places)]),
		);
	return value;
}

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function expectItems(actual: ActualItem[], expected: readonly ExpectedItem[], places: Places) {
	expect(actual).toEqual(
		expected.map((item) => ({ json: asMatcher(item.json, places), pairedItem: item.pairedItem })),
	);
	// The node promises its fields in this order (an audit sheet, the AI tool's JSON text).
	expect(actual.map((item) => Object.keys(item.json as object))).toEqual(
		expected.map((item) => Object.keys(item.json)),
	);
}

export function expectOutcome(actual: ActualRun, row: Scenario, places: Places): void {
	const expected = row.expected;
	if ('stop' in expected) {
		expect(actual).toHaveProperty('stop');
		if (!('stop' in actual)) return;
		expect(actual.stop.message).toEqual(asMatcher(expected.stop.message, places));
		expect({ itemIndex: actual.stop.itemIndex, node: actual.stop.node }).toEqual({
			itemIndex: expected.stop.itemIndex,
			node: NODE_NAME,
		});
		if (expected.stop.description !== undefined)
			expect(actual.stop.description).toEqual(asMatcher(expected.stop.description, places));
		if (expected.stop.name !== undefined) expect(actual.stop.name).toBe(expected.stop.name);
		if (expected.stop.httpCode !== undefined)
			expect(actual.stop.httpCode).toBe(expected.stop.httpCode);
		return;
	}
	if ('stop' in actual) throw new Error(`the run stopped: ${actual.stop.message}`);
	expectItems(actual.main, expected.main, places);
	expectItems(actual.error, expected.error ?? [], places);
}

function expectCount(actual: number, expected: Count | undefined, what: string): void {
	const range = typeof expected === 'number' ? { min: expected, max: expected } : expected;
	const min = range?.min ?? 0;
	const max = range?.max ?? 0;
	if (actual < min || actual > max)
		throw new Error(`${what}: ${actual}, expected ${min === max ? min : `${min}..${max}`}`);
}

/** The endpoint a call went to: its path after the API base (`/…/v1/`), e.g. `users/delete`. */
function endpointOf(path: string, endpoints: readonly string[]): string {
	return endpoints.find((endpoint) => path.endsWith(`/${endpoint}`)) ?? path;
}

const sentKey = (sent: Sent) => JSON.stringify([sent.user_id ?? null, sent.email ?? null]);
const sortedSent = (list: readonly Sent[]) =>
	[...list].sort((a, b) => (sentKey(a) < sentKey(b) ? -1 : sentKey(a) > sentKey(b) ? 1 : 0));

/** Effects of the run: `calls` are the stand-in's records of this run only. */
export function expectEffects(
	calls: readonly CallRecord[],
	removed: readonly string[],
	maxInFlight: number,
	effects: Effects,
): void {
	const endpoints = [
		...new Set([...Object.keys(effects.requests), ...Object.keys(effects.sent ?? {})]),
	];
	const on = (endpoint: string) =>
		calls.filter((call) => endpointOf(call.path, endpoints) === endpoint);
	for (const [endpoint, count] of Object.entries(effects.requests))
		expectCount(on(endpoint).length, count, `requests to ${endpoint}`);
	// Every endpoint the row leaves out received none.
	expect(
		calls
			.map((call) => call.path)
			.filter((path) => !endpoints.includes(endpointOf(path, endpoints))),
	).toEqual([]);
	for (const [endpoint, sent] of Object.entries(effects.sent ?? {}))
		expect(
			sortedSent(
				on(endpoint).map((call) => ({
					...(call.userId !== undefined ? { user_id: call.userId } : {}),
					...(call.email !== undefined ? { email: call.email } : {}),
				})),
			),
		).toEqual(sortedSent(sent));
	for (const [status, count] of Object.entries(effects.statuses ?? {}))
		expectCount(
			calls.filter((call) => (call.reset ? 'reset' : String(call.status)) === status).length,
			count,
			`answers with status ${status}`,
		);
	if (Array.isArray(effects.removed))
		expect([...removed].sort()).toEqual([...effects.removed].sort());
	else expect(removed).toHaveLength((effects.removed as { count: number }).count);
	if (effects.spanMs !== undefined)
		expectCount(
			calls.length === 0 ? 0 : calls[calls.length - 1].at - calls[0].at,
			effects.spanMs,
			'milliseconds from the first request to the last',
		);
	if (effects.maxInFlight !== undefined)
		expectCount(maxInFlight, effects.maxInFlight, 'requests in flight at once');
	// The key travels as the api_key body field, and nowhere else.
	expect(calls.filter((call) => call.keyLocations.join() !== 'body')).toEqual([]);
}

/** A stand-in's view of one run: the calls and removals since `watch()` was called. */
export function watch(standIn: StandIn): () => { calls: CallRecord[]; removed: string[] } {
	const callsBefore = standIn.calls.length;
	const removedBefore = standIn.deletedUserIds().length;
	return () => ({
		calls: standIn.calls.slice(callsBefore),
		removed: standIn.deletedUserIds().slice(removedBefore),
	});
}

/** Removes users the way the node does, so a row can start "after an earlier run". */
export async function removeBeforehand(
	standIn: StandIn,
	userIds: readonly string[],
): Promise<void> {
	for (const userId of userIds) {
		const response = await fetch(`${standIn.apiBaseUrl}${DELETE_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ api_key: standIn.apiKey, user_id: userId }),
		});
		if (response.status !== 200) throw new Error(`could not remove ${userId} beforehand`);
	}
}

export type { Json };
