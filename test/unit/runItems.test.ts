/* eslint-disable @n8n/community-nodes/no-restricted-globals -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
import { runItems } from '../../nodes/ProductBridge/helpers/runItems.ts';

const tick = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

describe('running items with bounded concurrency', () => {
	it('keeps input order whatever order the work finishes in', async () => {
		const results = await runItems(
			20,
			5,
			async (i) => {
				await tick((20 - i) % 7);
				return i * 10;
			},
			false,
		);
		expect(results).toEqual(Array.from({ length: 20 }, (_, i) => ({ ok: true, value: i * 10 })));
	});

	it('never has more than the limit in flight, and uses the whole limit', async () => {
		let inFlight = 0;
		let peak = 0;
		await runItems(
			40,
			6,
			async () => {
				peak = Math.max(peak, ++inFlight);
				await tick(2);
				inFlight--;
			},
			false,
		);
		expect(peak).toBe(6);
	});

	it('records each failure in place and carries on when failures continue', async () => {
		const results = await runItems(
			5,
			2,
			async (i) => {
				if (i % 2 === 1) throw new Error(`item ${i}`);
				return i;
			},
			false,
		);
		expect(results.map((r) => r.ok)).toEqual([true, false, true, false, true]);
	});

	it('starts no further item after a failure when the run will stop', async () => {
		const started: number[] = [];
		const results = await runItems(
			100,
			3,
			async (i) => {
				started.push(i);
				await tick(1);
				if (i === 4) throw new Error('stop here');
				return i;
			},
			true,
		);
		expect(Math.max(...started)).toBeLessThan(4 + 3);
		expect(results).toHaveLength(started.length);
		expect(results[4]).toEqual({ ok: false, error: new Error('stop here') });
	});

	it('handles an empty input and a limit larger than the input', async () => {
		expect(await runItems(0, 8, async () => 1, true)).toEqual([]);
		expect(await runItems(2, 64, async (i) => i, true)).toEqual([
			{ ok: true, value: 0 },
			{ ok: true, value: 1 },
		]);
	});
});
