/* eslint-disable @n8n/community-nodes/no-restricted-globals -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * The window after a 429 (it starts again from one, and answers to requests sent before that do
 * not undo it) and the bound on the wait for a turn (a queue that moves on any HTTP answer is
 * waited out). From the hostile review of 564c611 and 4cd3140.
 */
import { FlowController } from '../../nodes/ProductBridge/transport/flow/controller.ts';
import type { Turn } from '../../nodes/ProductBridge/transport/flow/controller.ts';
import { RequestWindow } from '../../nodes/ProductBridge/transport/flow/traffic.ts';
import type { Signal, Slot } from '../../nodes/ProductBridge/transport/flow/traffic.ts';

async function wave(window: RequestWindow, count: number, signal: Signal) {
	const slots = await Promise.all(
		Array.from({ length: Math.min(count, window.size) }, () => window.acquire()),
	);
	for (const slot of slots) window.release(slot, signal);
	return slots.length;
}

async function grownTo(cap: number): Promise<RequestWindow> {
	const window = new RequestWindow(cap);
	for (let trip = 0; trip < 10; trip++) await wave(window, 64, 'answered');
	expect(window.size).toBe(cap);
	return window;
}

describe('the request window after a 429', () => {
	it('answers to requests sent before the restart do not undo it (fast 429 first, accepted answers after)', async () => {
		const window = await grownTo(8);
		const slots = await Promise.all(Array.from({ length: 8 }, () => window.acquire()));
		// The bucket let 7 through; the gateway's 429 to the 8th comes back first (cheap to refuse).
		window.release(slots[7], 'rateLimited');
		expect(window.size).toBe(1);
		// The 7 accepted requests are answered during the Retry-After pause.
		for (const slot of slots.slice(0, 7)) window.release(slot, 'answered');
		// After the pause, how many may leave together? The commit says: one, then doubling.
		expect(window.size).toBeLessThanOrEqual(2);
	});

	it('a 429 from a request sent before an earlier restart does not restart again', async () => {
		const window = await grownTo(8);
		const old = await Promise.all(Array.from({ length: 8 }, () => window.acquire()));
		window.release(old[0], 'rateLimited');
		expect(window.size).toBe(1);
		// Other old requests come back 429 too (neutral for the window apart from inFlight).
		window.release(old[1], 'rateLimited');
		// New epoch: grow it back with fresh requests while the rest of the old ones are in flight.
		// (only 1 allowed while 6 old ones are still in flight, so drain them neutrally first)
		for (const slot of old.slice(2)) window.release(slot, 'neutral');
		await wave(window, 64, 'answered'); // 1 -> 2
		await wave(window, 64, 'answered'); // 2 -> 4
		expect(window.size).toBe(4);
		const fresh = await Promise.all(Array.from({ length: 4 }, () => window.acquire()));
		const lateOld = { epoch: 0 } as Slot; // what an old slot carries (restart bumped to 1)
		// Simulate: the window had one more old slot in flight
		(window as unknown as { inFlight: number }).inFlight++;
		window.release(lateOld, 'rateLimited');
		expect(window.size).toBe(4);
		for (const slot of fresh) window.release(slot, 'answered');
	});

	it('does not stay at one: after 429s to everything, it grows again by about one per round trip', async () => {
		const window = await grownTo(16);
		for (let trip = 0; trip < 50; trip++) await wave(window, 64, 'rateLimited');
		expect(window.size).toBe(1);
		const sizes: number[] = [];
		for (let trip = 0; trip < 6; trip++) sizes.push(await wave(window, 64, 'answered'));
		expect(sizes).toEqual([1, 2, 2, 3, 4, 5]);
	});

	it('after one 429, doubles again up to half the window it had, then grows by one per round trip', async () => {
		const window = await grownTo(16);
		await wave(window, 64, 'rateLimited');
		const sizes: number[] = [];
		for (let trip = 0; trip < 6; trip++) sizes.push(await wave(window, 64, 'answered'));
		expect(sizes).toEqual([1, 2, 4, 8, 8, 9]);
	});

	it('keeps first contact: 429s before any answer leave it at one, the first answer opens it', async () => {
		const window = new RequestWindow(16);
		for (let trip = 0; trip < 5; trip++) await wave(window, 64, 'rateLimited');
		expect(window.size).toBe(1);
		await wave(window, 64, 'neutral');
		expect(window.size).toBe(1);
		await wave(window, 64, 'answered');
		expect(window.size).toBe(2);
	});

	it('at Concurrency 1 every signal leaves it at one', async () => {
		const window = new RequestWindow(1);
		for (const signal of ['answered', 'rateLimited', 'congested', 'answered', 'neutral'] as const) {
			expect(await wave(window, 64, signal)).toBe(1);
			expect(window.size).toBe(1);
		}
	});

	it('a slot handed out before the restart but sent after the pause: its 429 is ignored', async () => {
		// A slot is stamped at hand-out; takeTurn holds it through the pause (waitForStart).
		const window = await grownTo(4);
		const a = await window.acquire();
		const heldThroughPause = await window.acquire(); // epoch e, waits out the pause, sent after it
		window.release(a, 'rateLimited'); // restart: epoch e+1
		const b = await Promise.race([window.acquire(), Promise.resolve(undefined)]);
		expect(b).toBeUndefined(); // one in flight, limit 1: nobody else
		// grow again via the held one? No: it is sent after the pause and meets a fresh 429.
		window.release(heldThroughPause, 'rateLimited');
		// Counted as old news: no restart. Harmless here (already 1); shows stamping at hand-out.
		expect(window.size).toBe(1);
	});
});

describe('the stall bound on the wait for a turn (controller.takeTurn)', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	/** `ahead` requests queue first (no stall bound), each answered `signal` after `roundTripMs`. */
	async function queueBehind(signal: Signal, ahead: number, roundTripMs: number, stallMs: number) {
		const flow = new FlowController(1);
		let served = 0;
		const serve = async (turn: Turn | undefined) => {
			if (turn === undefined) return;
			await new Promise((resolve) => setTimeout(resolve, roundTripMs));
			served++;
			turn.end({ signal, accepted: signal !== 'rateLimited', heard: true });
		};
		const first = flow.takeTurn(() => false).then(serve);
		const others = Array.from({ length: ahead - 1 }, () => flow.takeTurn(() => false).then(serve));
		let outcome: 'turn' | 'no turn' | undefined;
		const victim = flow
			.takeTurn(() => false, undefined, { maxStallMs: stallMs })
			.then((turn) => {
				outcome = turn === undefined ? 'no turn' : 'turn';
				turn?.end({ signal: 'neutral', accepted: false, heard: false });
			});
		await jest.advanceTimersByTimeAsync((ahead + 5) * roundTripMs + 1000);
		await Promise.all([first, ...others, victim]);
		return { outcome, served };
	}

	it('control: a queue of fast ProductBridge answers is waited out past the stall bound', async () => {
		const { outcome, served } = await queueBehind('answered', 40, 1000, 30_000);
		expect(served).toBe(40);
		expect(outcome).toBe('turn');
	});

	it('a queue that moves on 503 answers (one a second) is waited out too', async () => {
		const { outcome, served } = await queueBehind('congested', 40, 1000, 30_000);
		expect(served).toBe(40);
		expect(outcome).toBe('turn');
	});

	it('a queue that moves on 429 answers is waited out', async () => {
		const { outcome } = await queueBehind('rateLimited', 40, 1000, 30_000);
		expect(outcome).toBe('turn');
	});

	it('a healthy request of another execution with a longer Request Timeout is not taken for a stall', async () => {
		const flow = new FlowController(1);
		// Execution A: Request Timeout 120 s; its request is answered (healthy) after 90 s.
		const a = (await flow.takeTurn(() => false, undefined, { timeoutMs: 120_000 })) as Turn;
		setTimeout(() => a.end({ signal: 'answered', accepted: true, heard: true }), 90_000);
		// Execution B: Request Timeout 30 s, Max Wait 0 -> maxStallMs 30 s.
		let outcome: string | undefined;
		const b = flow
			.takeTurn(() => false, undefined, { maxStallMs: 30_000 })
			.then((turn) => {
				outcome = turn === undefined ? 'no turn' : 'turn';
				turn?.end({ signal: 'answered', accepted: true, heard: true });
			});
		await jest.advanceTimersByTimeAsync(95_000);
		await b;
		expect(outcome).toBe('turn');
	});
});
