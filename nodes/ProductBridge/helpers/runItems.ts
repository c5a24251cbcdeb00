export type ItemResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `work` for items 0..count-1 with at most `concurrency` in flight and returns the results
 * in item order. Once `stopAfterFailure` is set and an item fails, no further item starts (those
 * in flight finish) and the unstarted ones are left out of the result. `onFailure` hears of each
 * failure as it happens.
 */
export async function runItems<T>(
	count: number,
	concurrency: number,
	work: (itemIndex: number) => Promise<T>,
	stopAfterFailure: boolean,
	onFailure: (itemIndex: number) => void = () => {},
): Promise<Array<ItemResult<T>>> {
	const results: Array<ItemResult<T>> = new Array(count);
	let next = 0;
	let failed = false;

	const worker = async () => {
		while (next < count && !(failed && stopAfterFailure)) {
			const itemIndex = next++;
			try {
				results[itemIndex] = { ok: true, value: await work(itemIndex) };
			} catch (error) {
				results[itemIndex] = { ok: false, error };
				failed = true;
				onFailure(itemIndex);
			}
		}
	};

	const workers = Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker);
	await Promise.all(workers);
	return failed && stopAfterFailure ? results.slice(0, next) : results;
}
