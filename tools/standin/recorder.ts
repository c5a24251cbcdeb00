/** What the stand-in saw: one record per API call (optional) and counters that are always kept. */

export interface CallRecord {
	/** The request path as sent, e.g. `/api/external/v1/users/delete`. */
	path: string;
	/** The status answered; 0 when the connection was reset instead. */
	status: number;
	/** `user_id` exactly as the body carried it (not normalised). */
	userId?: string;
	email?: string;
	/** Where an API key travelled: `body` (the api_key field), `body:elsewhere`, `header:<name>`, `query:<name>`. */
	keyLocations: readonly string[];
	/** Arrival time, epoch milliseconds. */
	at: number;
	reset: boolean;
}

export interface StandInStats {
	requests: number;
	/** Keyed by status code; connection resets are counted under `reset`. */
	byStatus: Record<string, number>;
	byPath: Record<string, number>;
	/** Users actually unlinked, including ones whose answer was lost to a reset. */
	deletions: number;
	maxInFlight: number;
	inFlight: number;
}

export class Recorder {
	recordCalls: boolean;
	readonly calls: CallRecord[] = [];
	private requests = 0;
	private deletions = 0;
	private inFlight = 0;
	private maxInFlight = 0;
	private readonly byStatus = new Map<string, number>();
	private readonly byPath = new Map<string, number>();

	constructor(recordCalls: boolean) {
		this.recordCalls = recordCalls;
	}

	requestStarted(): void {
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
	}

	requestFinished(): void {
		this.inFlight--;
	}

	record(call: CallRecord): void {
		this.requests++;
		increment(this.byStatus, call.reset ? 'reset' : String(call.status));
		increment(this.byPath, call.path);
		if (this.recordCalls) this.calls.push(call);
	}

	deletionHappened(): void {
		this.deletions++;
	}

	stats(): StandInStats {
		return {
			requests: this.requests,
			byStatus: Object.fromEntries(this.byStatus),
			byPath: Object.fromEntries(this.byPath),
			deletions: this.deletions,
			maxInFlight: this.maxInFlight,
			inFlight: this.inFlight,
		};
	}

	/** Forgets the past; requests still being answered stay counted as in flight. */
	clear(): void {
		this.calls.length = 0;
		this.requests = 0;
		this.deletions = 0;
		this.maxInFlight = this.inFlight;
		this.byStatus.clear();
		this.byPath.clear();
	}
}

function increment(counts: Map<string, number>, key: string): void {
	counts.set(key, (counts.get(key) ?? 0) + 1);
}
