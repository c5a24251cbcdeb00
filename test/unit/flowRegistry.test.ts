/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
import { flowIdentity, FlowRegistry } from '../../nodes/ProductBridge/transport/flow/registry.ts';

const KEY_A = 'pb_live_registryTestKeyA_0123456789abcdef';
const KEY_B = 'pb_live_registryTestKeyB_0123456789abcdef';
const API = 'https://api.productbridge.io/api/external/v1';

/** A registry of plain objects on a clock the test moves; `inUse` marks values as busy. */
function registry(limits = { maxEntries: 3, idleMs: 1000 }) {
	let now = 0;
	const inUse = new Set<object>();
	const lastActive = new Map<object, number>();
	const made: string[] = [];
	const flows = new FlowRegistry<{ name: string }>(
		limits,
		() => now,
		(value) => (inUse.has(value) ? Number.POSITIVE_INFINITY : (lastActive.get(value) ?? 0)),
	);
	const get = (identity: string) =>
		flows.get(identity, () => {
			made.push(identity);
			return { name: identity };
		});
	return {
		flows,
		get,
		made,
		inUse,
		lastActive,
		advance: (ms: number) => (now += ms),
	};
}

describe('who shares a flow controller', () => {
	it('is the API and a fingerprint of the key, never the key itself', () => {
		const identity = flowIdentity(API, KEY_A);
		expect(identity).toBe(flowIdentity(API, KEY_A));
		expect(identity.startsWith(API)).toBe(true);
		for (let i = 0; i + 6 <= KEY_A.length; i++) {
			expect(identity).not.toContain(KEY_A.slice(i, i + 6));
		}
	});

	it('keeps two keys on one API apart, and one key on two APIs apart', () => {
		expect(flowIdentity(API, KEY_A)).not.toBe(flowIdentity(API, KEY_B));
		expect(flowIdentity(API, KEY_A)).not.toBe(
			flowIdentity('https://eu.productbridge.io/api/external/v1', KEY_A),
		);
	});

	it('does not tell a Base URL apart by the case of its host', () => {
		const shouted = 'HTTPS://API.PRODUCTBRIDGE.IO/api/external/v1';
		expect(flowIdentity(shouted, KEY_A)).toBe(flowIdentity(API, KEY_A));
	});

	it('tells apart paths that differ only in case (a gateway may route by path)', () => {
		expect(flowIdentity(`${API}/TenantA`, KEY_A)).not.toBe(flowIdentity(`${API}/tenanta`, KEY_A));
	});

	it('takes the key as the credential sends it, trimmed', () => {
		expect(flowIdentity(API, ` ${KEY_A} `)).toBe(flowIdentity(API, KEY_A));
	});
});

describe('the registry of flow controllers', () => {
	it('hands every run with the same identity the same controller, and other identities their own', () => {
		const { get, made } = registry();
		const first = get('a');
		expect(get('a')).toBe(first);
		expect(get('b')).not.toBe(first);
		expect(made).toEqual(['a', 'b']);
	});

	it('forgets a controller unused for the idle time, on the next lookup', () => {
		const { get, made, flows, advance } = registry();
		const first = get('a');
		advance(999);
		expect(get('a')).toBe(first);
		advance(1000);
		get('b');
		expect(flows.size).toBe(1);
		expect(get('a')).not.toBe(first);
		expect(made).toEqual(['a', 'b', 'a']);
	});

	it('counts the last use of a controller, not only its lookup, as activity', () => {
		const { get, lastActive, advance } = registry();
		const first = get('a');
		advance(900);
		lastActive.set(first, 900);
		advance(900);
		expect(get('a')).toBe(first);
	});

	it('never forgets a controller for being idle while requests are in flight or waiting', () => {
		const { get, inUse, advance } = registry();
		const first = get('a');
		inUse.add(first);
		advance(60_000);
		expect(get('a')).toBe(first);
	});

	it('keeps at most its bound, dropping the one looked up longest ago', () => {
		const { get, flows, made } = registry({ maxEntries: 2, idleMs: 1000 });
		const a = get('a');
		get('b');
		get('a');
		get('c');
		expect(flows.size).toBe(2);
		expect(get('a')).toBe(a);
		get('b');
		expect(made).toEqual(['a', 'b', 'c', 'b']);
	});
});
