import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * The most executions remembered at once; the least recently used is forgotten first. Many, since
 * one-leaver executions run side by side by the hundred and each keeps an entry or two.
 */
export const MAX_EXECUTIONS = 2_000;
/**
 * The most entries kept in all (a user by email takes two), a few tens of megabytes: the least
 * recently used executions are forgotten first, then the oldest entries of the one in use.
 */
export const MAX_ENTRIES = 100_000;
/**
 * A record untouched this long belongs to an execution that has ended. n8n waits at most five
 * seconds between the runs of Retry On Fail, and every item a run settles touches the record.
 */
export const MAX_IDLE_MS = 60 * 60 * 1000;

interface Remembered<Value> {
	touched: number;
	entries: Map<string, Value>;
}

/**
 * What one node did in one execution, kept in the process for a later run of the same node in
 * the same execution (n8n's Retry On Fail runs the node again there; in queue mode on the same
 * worker). A node cannot learn that its execution ended, so records are forgotten lazily, when the
 * memory is used: the least recently used beyond MAX_EXECUTIONS, and any untouched for
 * MAX_IDLE_MS. No timers; nothing outlives the process.
 */
export class ExecutionMemory<Value> {
	private readonly records = new Map<string, Remembered<Value>>();

	private entryCount = 0;

	private readonly clock: () => number;

	constructor(clock: () => number = Date.now) {
		this.clock = clock;
	}

	remember(scope: string, key: string, value: Value): void {
		const entries = this.touch(scope, true) as Map<string, Value>;
		if (entries.delete(key)) this.entryCount--;
		entries.set(key, value);
		this.entryCount++;
		this.keepWithinBounds(entries);
	}

	recall(scope: string, key: string): Value | undefined {
		return this.touch(scope, false)?.get(key);
	}

	/** Executions remembered now, for tests. */
	get size(): number {
		return this.records.size;
	}

	private touch(scope: string, create: boolean): Map<string, Value> | undefined {
		const now = this.clock();
		this.forgetEnded(now);
		let record = this.records.get(scope);
		if (record === undefined && !create) return undefined;
		record ??= { touched: now, entries: new Map() };
		// Re-inserted, so that the map's order is the order of last use.
		this.records.delete(scope);
		record.touched = now;
		this.records.set(scope, record);
		this.keepWithinBounds(record.entries);
		return record.entries;
	}

	/** Forgets the least recently used executions, then the oldest entries of the one in use. */
	private keepWithinBounds(inUse: Map<string, Value>): void {
		for (const [scope, record] of this.records) {
			if (this.records.size <= MAX_EXECUTIONS && this.entryCount <= MAX_ENTRIES) return;
			if (record.entries === inUse) break;
			this.forget(scope, record);
		}
		while (this.entryCount > MAX_ENTRIES) {
			inUse.delete(inUse.keys().next().value as string);
			this.entryCount--;
		}
	}

	private forgetEnded(now: number): void {
		for (const [scope, record] of this.records) {
			if (now - record.touched < MAX_IDLE_MS) return;
			this.forget(scope, record);
		}
	}

	private forget(scope: string, record: Remembered<Value>): void {
		this.records.delete(scope);
		this.entryCount -= record.entries.size;
	}
}

/**
 * One node in one execution, with one credential; undefined when n8n gives the run no execution
 * id (then nothing is remembered).
 */
export function executionScope(
	context: IExecuteFunctions,
	credentialScope: string,
): string | undefined {
	const executionId = context.getExecutionId();
	if (typeof executionId !== 'string' || executionId === '') return undefined;
	return JSON.stringify([executionId, context.getNode().id, credentialScope]);
}
