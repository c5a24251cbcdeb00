import { RequestWindow } from '../../nodes/ProductBridge/transport/flow/traffic.ts';
import type { Signal, Slot } from '../../nodes/ProductBridge/transport/flow/traffic.ts';

/** Sends `count` requests through the window at once and answers them with `signal`. */
async function wave(window: RequestWindow, count: number, signal: Signal) {
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

		// A whole wave of 503s is one signal, not 32 halvings.
		await wave(window, 64, 'congested');
		expect(window.size).toBe(16);

		for (let trip = 0; trip < 4; trip++) await wave(window, 64, 'answered');
		expect(window.size).toBeGreaterThanOrEqual(19);
		expect(window.size).toBeLessThanOrEqual(20);
	});

	it('starts again from one after a wave of 429s, and doubles per round trip from there', async () => {
		const window = new RequestWindow(32);
		for (let trip = 0; trip < 6; trip++) await wave(window, 64, 'answered');
		expect(window.size).toBe(32);

		await wave(window, 64, 'rateLimited');
		const sizes = [window.size];
		for (let trip = 0; trip < 3; trip++) sizes.push(await wave(window, 64, 'answered'));
		expect(sizes).toEqual([1, 1, 2, 4]);
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

describe('turns in the shared window', () => {
	it('are served in arrival order, whichever run asked', async () => {
		const window = new RequestWindow(4);
		const first = await window.acquire();
		const served: string[] = [];
		const ask = (who: string) =>
			window.acquire().then((slot) => {
				served.push(who);
				return slot;
			});
		const waiting = [ask('bulk 1'), ask('bulk 2'), ask('webhook'), ask('bulk 3')];
		window.release(first, 'neutral');
		for (const turn of waiting) window.release(await turn, 'neutral');
		expect(served).toEqual(['bulk 1', 'bulk 2', 'webhook', 'bulk 3']);
	});

	it('lets no newcomer overtake those already waiting', async () => {
		const window = new RequestWindow(4);
		const first = await window.acquire();
		const served: string[] = [];
		const waiting = window.acquire().then((slot) => {
			served.push('waiting');
			return slot;
		});
		window.release(first, 'neutral');
		const newcomer = window.acquire().then((slot) => {
			served.push('newcomer');
			return slot;
		});
		window.release(await waiting, 'neutral');
		window.release(await newcomer, 'neutral');
		expect(served).toEqual(['waiting', 'newcomer']);
	});

	it('serves a call sent back by a 429 ahead of the calls that came after it', async () => {
		const window = new RequestWindow(4);
		const early = window.ticket();
		const first = (await window.acquire(undefined, early)) as Slot;
		const served: string[] = [];
		const queued = (name: string, ticket?: number) =>
			window.acquire(undefined, ticket).then((slot) => {
				served.push(name);
				// No cancel signal: every caller is served.
				return slot as Slot;
			});
		const later = [queued('later 1'), queued('later 2'), queued('later 3')];
		// The early call's answer was a 429; its slot goes to the next in line, and its retry queues
		// again with its first ticket, ahead of those still waiting.
		window.release(first, 'congested');
		const retry = queued('retry of the early call', early);
		window.release(await later[0], 'neutral');
		window.release(await retry, 'neutral');
		window.release(await later[1], 'neutral');
		window.release(await later[2], 'neutral');
		expect(served).toEqual(['later 1', 'retry of the early call', 'later 2', 'later 3']);
	});

	it('lets a waiter whose wait ran out leave the queue; the others keep their place', async () => {
		const window = new RequestWindow(4);
		const first = await window.acquire();
		let runOut = () => {};
		const timedOut = window.acquire(undefined, undefined, async () => {
			await new Promise<void>((resolve) => (runOut = resolve));
		});
		const next = window.acquire();
		runOut();
		expect(await timedOut).toBeUndefined();
		window.release(first, 'neutral');
		const slot = (await next) as Slot;
		expect(slot).toBeDefined();
		window.release(slot, 'neutral');
		expect(window.busy).toBe(false);
	});

	it('starts no give-up wait for a request that gets its slot at once', async () => {
		const window = new RequestWindow(4);
		const giveUp = jest.fn(async () => {});
		const slot = (await window.acquire(undefined, undefined, giveUp)) as Slot;
		window.release(slot, 'neutral');
		expect(giveUp).not.toHaveBeenCalled();
	});

	it('is busy while requests are in flight or waiting, and not after', async () => {
		const window = new RequestWindow(4);
		expect(window.busy).toBe(false);
		const slot = await window.acquire();
		expect(window.busy).toBe(true);
		window.release(slot, 'answered');
		expect(window.busy).toBe(false);
	});

	it('may be allowed more in flight by a later run, never fewer', async () => {
		const window = new RequestWindow(1);
		window.raiseCap(3);
		window.raiseCap(2);
		for (let i = 0; i < 4; i++) await wave(window, window.size, 'answered');
		expect(window.size).toBe(3);
	});
});

describe('a cancelled wait for a turn', () => {
	it('leaves the queue at once, and the others keep their order', async () => {
		const window = new RequestWindow(4);
		const first = await window.acquire();
		const cancel = new AbortController();
		const served: string[] = [];
		const ask = (who: string, signal?: AbortSignal) =>
			window.acquire(signal).then((slot) => {
				served.push(slot === undefined ? `${who} left` : who);
				return slot;
			});
		const waiting = [ask('one'), ask('cancelled', cancel.signal), ask('three')];
		cancel.abort();
		await waiting[1];
		window.release(first, 'neutral');
		for (const turn of [waiting[0], waiting[2]]) {
			const slot = await turn;
			if (slot) window.release(slot, 'neutral');
		}
		expect(served).toEqual(['cancelled left', 'one', 'three']);
		expect(window.busy).toBe(false);
	});
});

describe('waits for a turn from one execution', () => {
	it('tie one abort listener to its signal, however many wait, and none once served', async () => {
		const window = new RequestWindow(1);
		const first = await window.acquire();
		const cancel = new AbortController();
		let listeners = 0;
		const signal = cancel.signal;
		const add = signal.addEventListener.bind(signal);
		const remove = signal.removeEventListener.bind(signal);
		signal.addEventListener = (...args: Parameters<typeof add>) => {
			listeners++;
			add(...args);
		};
		signal.removeEventListener = (...args: Parameters<typeof remove>) => {
			listeners--;
			remove(...args);
		};
		const waiting = Array.from({ length: 20 }, () => window.acquire(signal));
		expect(listeners).toBe(1);
		window.release(first, 'neutral');
		for (const turn of waiting) {
			const slot = await turn;
			if (slot) window.release(slot, 'neutral');
		}
		expect(listeners).toBe(0);
	});
});
