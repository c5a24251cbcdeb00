import { createHash } from 'crypto';

/**
 * Who shares a controller: one API (its root, the scheme and host in any letter case) and one key
 * as the credential sends it (trimmed), known by its hash only.
 */
export function flowIdentity(apiRoot: string, apiKey: unknown): string {
	const fingerprint = createHash('sha256')
		.update(typeof apiKey === 'string' ? apiKey.trim() : '')
		.digest('hex');
	const origin = /^[a-z][a-z\d+.-]*:\/\/[^/]*/i.exec(apiRoot)?.[0] ?? '';
	return `${origin.toLowerCase()}${apiRoot.slice(origin.length)} ${fingerprint}`;
}

export interface RegistryLimits {
	/** The most controllers kept; the one used longest ago goes first. */
	maxEntries: number;
	/** A controller unused this long is forgotten (checked on the next lookup: no timer). */
	idleMs: number;
}

interface Entry<T> {
	value: T;
	lastUsed: number;
}

/**
 * The controllers of one n8n process, one per identity. Bounded whatever the number of
 * credentials, and idle without timers: expiry happens on the next lookup. A controller still
 * in use (`lastActive` says Infinity while requests are in flight or waiting) is never forgotten
 * for being idle; beyond the bound the least recently looked up goes anyway, and the runs holding
 * it finish with it.
 */
export class FlowRegistry<T> {
	private readonly entries = new Map<string, Entry<T>>();

	private readonly limits: RegistryLimits;

	private readonly clock: () => number;

	private readonly lastActive: (value: T) => number;

	/** `lastActive`: when the value was last used on `clock`'s scale (Infinity while in use). */
	constructor(limits: RegistryLimits, clock: () => number, lastActive: (value: T) => number) {
		this.limits = limits;
		this.clock = clock;
		this.lastActive = lastActive;
	}

	/** The controller for `identity`, made by `create` when there is none (or it was forgotten). */
	get(identity: string, create: () => T): T {
		const now = this.clock();
		this.forgetIdle(now);
		const found = this.entries.get(identity);
		// Re-inserted on every use: the Map's order is then least recently used first.
		if (found !== undefined) this.entries.delete(identity);
		const entry = found ?? { value: create(), lastUsed: now };
		entry.lastUsed = now;
		this.entries.set(identity, entry);
		while (this.entries.size > this.limits.maxEntries) {
			this.entries.delete(this.entries.keys().next().value as string);
		}
		return entry.value;
	}

	get size(): number {
		return this.entries.size;
	}

	/** Forgets every controller. For tests only: node code never calls it. */
	clear(): void {
		this.entries.clear();
	}

	private forgetIdle(now: number): void {
		for (const [identity, entry] of this.entries) {
			const lastUsed = Math.max(entry.lastUsed, this.lastActive(entry.value));
			if (now - lastUsed >= this.limits.idleMs) {
				this.entries.delete(identity);
			}
		}
	}
}
