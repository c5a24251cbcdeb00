/** Calls in a row that end unheard, with no answer from ProductBridge between them, that open the breaker mid-run. */
export const UNHEARD_STREAK_TO_OPEN = 5;

/**
 * Whether it is still worth starting requests to the Base URL. A call ends "unheard" when its
 * retries run out without one answer in ProductBridge's own shape (a gateway's bare 502 page,
 * dropped connections, timeouts, no such host). The breaker opens (and the client then starts no
 * further request in this execution):
 * - on the first unheard call before ProductBridge has ever answered: the first contact found
 *   nothing that speaks ProductBridge, so a dead or wrong host costs one item, not all of them;
 * - after UNHEARD_STREAK_TO_OPEN unheard calls in a row later on: the API went away mid-run.
 * Any answer in ProductBridge's shape (a success, a "not found", its own 503) ends the streak.
 */
export class ReachBreaker {
	private heardOnce = false;

	private unheardStreak = 0;

	private readonly streakToOpen: number;

	constructor(streakToOpen = UNHEARD_STREAK_TO_OPEN) {
		this.streakToOpen = Math.max(1, streakToOpen);
	}

	/** An answer in ProductBridge's shape arrived. */
	heard(): void {
		this.heardOnce = true;
		this.unheardStreak = 0;
	}

	/** A call's retries ran out with no answer in ProductBridge's shape; true once the breaker is open. */
	callEndedUnheard(): boolean {
		this.unheardStreak++;
		return this.open;
	}

	get open(): boolean {
		if (this.unheardStreak === 0) return false;
		return !this.heardOnce || this.unheardStreak >= this.streakToOpen;
	}

	/** Why it opened, for the items it keeps from being sent. */
	get reason(): 'firstContact' | 'streak' {
		return this.heardOnce ? 'streak' : 'firstContact';
	}
}
