/** The window of requests in flight under random traffic: turns, retries by ticket, cancels, deadlines. */
import { RequestWindow } from '../../nodes/ProductBridge/transport/flow/traffic.ts';
import type { Slot } from '../../nodes/ProductBridge/transport/flow/traffic.ts';

const flush = async () => {
	for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('the window under random traffic', () => {
	it('settles every wait exactly once and ends idle, whatever the order of turns, cancels and deadlines', async () => {
		let seed = 42;
		const rnd = () => {
			seed = (seed * 1103515245 + 12345) & 0x7fffffff;
			return seed / 0x7fffffff;
		};
		for (let round = 0; round < 50; round++) {
			const window = new RequestWindow(1 + Math.floor(rnd() * 4));
			const held: Slot[] = [];
			const settled = new Map<number, number>();
			const aborts = [new AbortController(), new AbortController(), new AbortController()];
			const deadlines: Array<() => void> = [];
			const order: number[] = [];
			let id = 0;
			let inFlight = 0;
			const pending: Promise<void>[] = [];
			for (let step = 0; step < 200; step++) {
				const r = rnd();
				if (r < 0.5) {
					const me = ++id;
					const ab = rnd() < 0.3 ? aborts[Math.floor(rnd() * 3)] : undefined;
					const ticket =
						rnd() < 0.2 && id > 3
							? Math.max(1, window.ticket() - Math.floor(rnd() * 20))
							: undefined;
					const deadline =
						rnd() < 0.2
							? async () => await new Promise<void>((resolve) => deadlines.push(resolve))
							: undefined;
					pending.push(
						window.acquire(ab?.signal, ticket, deadline).then((slot) => {
							settled.set(me, (settled.get(me) ?? 0) + 1);
							if (slot) {
								inFlight++;
								order.push(me);
								held.push(slot);
								expect(inFlight).toBeLessThanOrEqual(window.size + 1);
							}
						}),
					);
				} else if (r < 0.9 && held.length > 0) {
					const slot = held.splice(Math.floor(rnd() * held.length), 1)[0];
					inFlight--;
					const s = rnd();
					window.release(slot, s < 0.6 ? 'answered' : s < 0.8 ? 'congested' : 'neutral');
				} else if (r >= 0.94 && r < 0.97 && deadlines.length > 0) {
					deadlines.splice(Math.floor(rnd() * deadlines.length), 1)[0]();
				} else if (r >= 0.97) {
					const k = Math.floor(rnd() * 3);
					aborts[k].abort();
					aborts[k] = new AbortController();
				}
				await flush();
			}
			for (const a of aborts) a.abort();
			for (const runOut of deadlines) runOut();
			while (held.length > 0) {
				window.release(held.pop() as Slot, 'answered');
				inFlight--;
				await flush();
			}
			await Promise.all(pending);
			expect(settled.size).toBe(id);
			expect([...settled.values()].every((n) => n === 1)).toBe(true);
			expect(window.busy).toBe(false);
		}
	});
});
