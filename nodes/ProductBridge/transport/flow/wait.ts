import { sleep } from 'n8n-workflow';

const WAKE_UP_MS = 250;

/** Waits `ms`, returning early once `giveUp()` says so (checked every quarter second). */
export async function pause(ms: number, giveUp: () => boolean = () => false): Promise<void> {
	const until = Date.now() + ms;
	for (let left = ms; left > 0 && !giveUp(); left = until - Date.now()) {
		await sleep(Math.min(left, WAKE_UP_MS));
	}
}
