/**
 * The pure pieces behind issue 19's record: the breaker that finds a dead host, the first-contact
 * gate, and the per-execution memory that n8n's Retry On Fail reads.
 */
import { ReachBreaker } from '../../nodes/ProductBridge/transport/breaker';
import { FirstContactGate } from '../../nodes/ProductBridge/transport/firstContact';
import {
	ExecutionMemory,
	MAX_ENTRIES,
	MAX_EXECUTIONS,
	MAX_IDLE_MS,
} from '../../nodes/ProductBridge/helpers/executionMemory';

describe('ReachBreaker', () => {
	it('opens on the first call that ends unheard before ProductBridge ever answered', () => {
		const breaker = new ReachBreaker(5);
		expect(breaker.callEndedUnheard()).toBe(true);
		expect(breaker.reason).toBe('firstContact');
	});

	it('once ProductBridge has answered, opens only after a streak of unheard calls', () => {
		const breaker = new ReachBreaker(3);
		breaker.heard();
		expect([breaker.callEndedUnheard(), breaker.callEndedUnheard()]).toEqual([false, false]);
		expect(breaker.callEndedUnheard()).toBe(true);
		expect(breaker.reason).toBe('streak');
	});

	it('any answer in ProductBridge’s shape ends the streak', () => {
		const breaker = new ReachBreaker(3);
		breaker.heard();
		breaker.callEndedUnheard();
		breaker.callEndedUnheard();
		breaker.heard();
		expect([breaker.callEndedUnheard(), breaker.callEndedUnheard()]).toEqual([false, false]);
		expect(breaker.open).toBe(false);
	});
});

describe('FirstContactGate', () => {
	it('lets one call through at a time until ProductBridge has answered', async () => {
		const gate = new FirstContactGate();
		const order: string[] = [];
		const leaveFirst = await gate.enter();
		const second = gate.enter().then((leave) => {
			order.push('second in');
			return leave;
		});
		await Promise.resolve();
		order.push('first leaves');
		leaveFirst();
		(await second)();
		expect(order).toEqual(['first leaves', 'second in']);
	});

	it('lets everyone through once ProductBridge has answered', async () => {
		const gate = new FirstContactGate();
		await gate.enter();
		const waiting = [gate.enter(), gate.enter()];
		gate.heardFromProductBridge();
		await expect(Promise.all(waiting)).resolves.toHaveLength(2);
		await expect(gate.enter()).resolves.toBeInstanceOf(Function);
	});
});

describe('ExecutionMemory', () => {
	it('keeps what one scope remembered from every other scope', () => {
		const memory = new ExecutionMemory<string>(() => 0);
		memory.remember('execution 1', 'ada', 'removed');
		expect(memory.recall('execution 1', 'ada')).toBe('removed');
		expect(memory.recall('execution 2', 'ada')).toBeUndefined();
	});

	it('forgets a scope untouched for the idle limit, when the memory is next used', () => {
		let now = 0;
		const memory = new ExecutionMemory<string>(() => now);
		memory.remember('ended', 'ada', 'removed');
		memory.remember('running', 'grace', 'removed');
		now = MAX_IDLE_MS - 1;
		expect(memory.recall('running', 'grace')).toBe('removed');
		now = MAX_IDLE_MS;
		expect(memory.recall('ended', 'ada')).toBeUndefined();
		expect(memory.recall('running', 'grace')).toBe('removed');
		expect(memory.size).toBe(1);
	});

	it('keeps at most MAX_EXECUTIONS scopes, forgetting the least recently used', () => {
		const memory = new ExecutionMemory<string>(() => 0);
		for (let i = 0; i <= MAX_EXECUTIONS; i++) memory.remember(`execution ${i}`, 'ada', 'removed');
		expect(memory.size).toBe(MAX_EXECUTIONS);
		expect(memory.recall('execution 0', 'ada')).toBeUndefined();
		expect(memory.recall(`execution ${MAX_EXECUTIONS}`, 'ada')).toBe('removed');
	});

	it('keeps at most MAX_ENTRIES entries in all, forgetting the oldest of the execution in use', () => {
		const memory = new ExecutionMemory<number>(() => 0);
		for (let i = 0; i <= MAX_ENTRIES; i++) memory.remember('execution', `user ${i}`, i);
		expect(memory.recall('execution', 'user 0')).toBeUndefined();
		expect(memory.recall('execution', 'user 1')).toBe(1);
		expect(memory.recall('execution', `user ${MAX_ENTRIES}`)).toBe(MAX_ENTRIES);
	});

	it('makes room for a long list by forgetting other executions first', () => {
		const memory = new ExecutionMemory<number>(() => 0);
		memory.remember('earlier', 'ada', 0);
		for (let i = 0; i < MAX_ENTRIES; i++) memory.remember('long list', `user ${i}`, i);
		expect(memory.recall('earlier', 'ada')).toBeUndefined();
		expect(memory.recall('long list', 'user 0')).toBe(0);
	});

	it('keeps a live execution while hundreds of one-leaver executions run beside it', () => {
		const memory = new ExecutionMemory<string>(() => 0);
		memory.remember('waiting to retry', 'ada', 'removed');
		for (let i = 0; i < 500; i++) memory.remember(`webhook ${i}`, `user ${i}`, 'removed');
		expect(memory.recall('waiting to retry', 'ada')).toBe('removed');
	});

	it('keeps the first removal of a 30,000-user list by email (two entries a user)', () => {
		const memory = new ExecutionMemory<string>(() => 0);
		for (let i = 0; i < 30_000; i++) {
			memory.remember('execution', `id ${i}`, 'removed');
			memory.remember('execution', `email user${i}@example.com`, 'removed');
		}
		expect(memory.recall('execution', 'email user0@example.com')).toBe('removed');
	});
});
