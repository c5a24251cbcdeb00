import { FlowController } from '../../nodes/ProductBridge/transport/flow/controller.ts';

describe('a cancelled execution on a shared controller', () => {
	it('leaves the queue and the next execution gets the slot', async () => {
		const flow = new FlowController(1);
		const first = await flow.takeTurn(() => false);
		const a = new AbortController();
		const b = new AbortController();
		const cancelled = [1, 2, 3].map(() => flow.takeTurn(() => a.signal.aborted, a.signal));
		const other = flow.takeTurn(() => false, b.signal);
		a.abort();
		expect(await Promise.all(cancelled)).toEqual([undefined, undefined, undefined]);
		first?.end({ signal: 'answered', accepted: true, heard: true });
		const turn = await other;
		expect(turn).toBeDefined();
		turn?.end({ signal: 'answered', accepted: true, heard: true });
		expect(flow.lastActive()).not.toBe(Number.POSITIVE_INFINITY);
	});

	it('leaves a shared pause when cancelled and holds nothing afterwards', async () => {
		const flow = new FlowController(4);
		flow.pauseEveryone(60_000);
		const a = new AbortController();
		const waiting = flow.waitWhilePaused(() => a.signal.aborted);
		expect(flow.lastActive()).toBe(Number.POSITIVE_INFINITY);
		a.abort();
		await waiting;
		expect(flow.lastActive()).not.toBe(Number.POSITIVE_INFINITY);
	});
});
