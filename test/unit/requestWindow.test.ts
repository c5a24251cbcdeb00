import { RequestWindow } from '../../nodes/ProductBridge/transport/flow/traffic.ts';

/** Sends `count` requests through the window at once and answers them with `signal`. */
async function wave(
	window: RequestWindow,
	count: number,
	signal: 'answered' | 'congested' | 'neutral',
) {
	const slots = await Promise.all(
		Array.from({ length: Math.min(count, window.size) }, () => window.acquire()),
	);
	for (const slot of slots) window.release(slot, signal);
	return slots.length;
}

describe('the window of requests in flight', () => {
	it('lets the first request go alone until ProductBridge has answered', async () => {
		const window = new RequestWindow(32);
		expect(window.size).toBe(1);
		await wave(window, 1, 'neutral');
		expect(window.size).toBe(1);
		await wave(window, 1, 'answered');
		expect(window.size).toBe(2);
	});

	it('doubles per round trip until the cap', async () => {
		const window = new RequestWindow(32);
		const sizes = [];
		for (let trip = 0; trip < 7; trip++) sizes.push(await wave(window, 64, 'answered'));
		expect(sizes).toEqual([1, 2, 4, 8, 16, 32, 32]);
	});

	it('halves once per round trip on overload, then grows by about one per round trip', async () => {
		const window = new RequestWindow(32);
		for (let trip = 0; trip < 6; trip++) await wave(window, 64, 'answered');
		expect(window.size).toBe(32);

		// A whole wave of 429s is one signal, not 32 halvings.
		await wave(window, 64, 'congested');
		expect(window.size).toBe(16);

		for (let trip = 0; trip < 4; trip++) await wave(window, 64, 'answered');
		expect(window.size).toBeGreaterThanOrEqual(19);
		expect(window.size).toBeLessThanOrEqual(20);
	});

	it('never goes below one nor above the cap', async () => {
		const window = new RequestWindow(4);
		for (let trip = 0; trip < 10; trip++) await wave(window, 64, 'congested');
		expect(window.size).toBe(1);
		for (let trip = 0; trip < 40; trip++) await wave(window, 64, 'answered');
		expect(window.size).toBe(4);
	});

	it('holds a request back while the window is full and lets it go when one returns', async () => {
		const window = new RequestWindow(8);
		const first = await window.acquire();
		let second = false;
		const waiting = window.acquire().then(() => (second = true));
		await Promise.resolve();
		expect(second).toBe(false);
		window.release(first, 'answered');
		await waiting;
		expect(second).toBe(true);
	});
});
