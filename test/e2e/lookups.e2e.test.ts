/**
 * Finding users, end to end in a real n8n: User → Get (by user ID and by email), Delete with
 * Identify User By = Email, and Delete's Dry Run. The same behaviours as test/engine/lookups.test.ts,
 * here with the packed package installed into n8n and run by `n8n execute` against the stand-in.
 *
 * Two workflows (test/e2e/workflows/lookups-*.json), each executed once; every scenario is its own
 * branch, and the tests check each node's outputs, the pairing of every item to its input, what the
 * stand-in recorded, and that the API key is nowhere in what n8n printed or stored.
 *
 * N8N_VERSION picks the n8n (default 2.41.1; 1.123.81 is the last 1.x).
 */
import { randomBytes } from 'node:crypto';

import { DEMO_USERS, startStandIn } from '../../tools/standin/server.ts';
import type { CallRecord, SeedUser, StandIn } from '../../tools/standin/server.ts';
import { deleteItem, NO_USER } from '../support/outputs.ts';
import { loadWorkflow, outputItems, pairedIndex, prepareN8n, rewriteWorkflow } from '../support/n8n.ts';
import type {
	CommandResult,
	ExecuteResult,
	JsonObject,
	N8nInstance,
	OutputItem,
	WorkflowJson,
} from '../support/n8n.ts';

// ---------------------------------------------------------------- fixtures

/** `pb_` + 43 URL-safe characters, fresh for every run, like a real ProductBridge key. */
const API_KEY = `pb_${randomBytes(33).toString('base64url').slice(0, 43)}`;

const CREDENTIAL = { id: 'pbE2eLookupsKey01', name: 'ProductBridge (stand-in, lookups)' };

const RETRIEVE_PATH = '/api/external/v1/users/retrieve';
const DELETE_PATH = '/api/external/v1/users/delete';

const N8N_SETUP_TIMEOUT_MS = 50 * 60_000;
const SCENARIO_TIMEOUT_MS = 4 * 60_000;

/** A seeded user whose id, user_id, email and name the tests rely on. */
type Person = SeedUser & { id: string; user_id: string; email: string; name: string };

const [ADA, GRACE, ALAN, KATHERINE, MARGARET] = DEMO_USERS as readonly Person[];
const STRANGER_1 = '6f1c2a9e-3b7d-4c8e-a1f0-2d9b8c7e6a51';
const STRANGER_2 = 'b8e3f0d2-91a4-4e6b-8c2d-7a5f3e1b0c92';
const NOBODY = 'nobody@example.com';
const NO_ONE = 'no.one@example.com';

/** The people the mixed batch removes: member01…member08@example.com. */
const MEMBERS: Person[] = Array.from({ length: 8 }, (_, index) => {
	const n = String(index + 1).padStart(2, '0');
	return {
		id: `3e3b0000-0000-4000-8000-0000000000${n}`,
		user_id: `5eed0e00-0000-4000-8000-0000000000${n}`,
		email: `member${n}@example.com`,
		name: `Member ${n}`,
	};
});
const member = (email: string) => MEMBERS.find((seed) => seed.email === email);


/** Get's item for a demo user: the user object exactly as the stand-in's /users/retrieve returns it. */
const asRetrieved = (user: Person): JsonObject => ({
	...NO_USER,
	...user,
	portal_role: 'end_user',
	status: 'found',
});

/** Get's item when nobody has that identifier: the identifier, every other field null. */
const getNotFound = (identifier: { user_id: string } | { email: string }): JsonObject => ({
	...NO_USER,
	...identifier,
	status: 'not_found',
});

/** Delete's output for a user it looked up. */
const audit = (user: Person, status: string) =>
	deleteItem({ user_id: user.user_id, email: user.email, name: user.name, status });

/** Delete's output for an identifier nobody has. */
const deleteNotFound = (identifier: { user_id: string } | { email: string }) =>
	deleteItem({ ...identifier, status: 'not_found' });

// ---------------------------------------------------------------- set-up

let n8n: N8nInstance;
let standIn: StandIn;
let workflows: Record<'get' | 'delete', WorkflowJson>;

beforeAll(async () => {
	standIn = await startStandIn({ apiKey: API_KEY, users: DEMO_USERS });
	n8n = await prepareN8n({ log: (line) => process.stderr.write(`[e2e lookups] ${line}\n`) });

	const imported = await n8n.importCredential({
		...CREDENTIAL,
		type: 'productBridgeApi',
		data: { apiKey: API_KEY, baseUrl: standIn.url },
	});
	expect(imported.exitCode).toBe(0);

	const rewrite = { credentials: { REPLACE_PRODUCTBRIDGE_CREDENTIAL: CREDENTIAL } };
	workflows = {
		get: rewriteWorkflow(loadWorkflow('lookups-get-and-dry-run'), rewrite),
		delete: rewriteWorkflow(loadWorkflow('lookups-delete-by-email'), rewrite),
	};
	const importedWorkflows = await n8n.importWorkflow(Object.values(workflows));
	expect(importedWorkflows.exitCode).toBe(0);
}, N8N_SETUP_TIMEOUT_MS);

afterAll(async () => {
	if (n8n) {
		const executes = n8n.commands.filter((command) => command.args[1] === 'execute');
		const seconds = (list: readonly CommandResult[]) =>
			(list.reduce((sum, command) => sum + command.durationMs, 0) / 1000).toFixed(1);
		process.stderr.write(
			`[e2e lookups] n8n ${n8n.version}: ${n8n.commands.length} n8n commands (${seconds(n8n.commands)} s), ${executes.length} executions (${seconds(executes)} s)\n`,
		);
	}
	await n8n?.cleanup();
	await standIn?.close();
});

// ---------------------------------------------------------------- helpers

function explain(result: ExecuteResult): string {
	return `exit ${result.exitCode ?? `by ${result.signal}`}${result.timedOut ? ' (timed out)' : ''}\n--- stdout (tail)\n${result.stdout.slice(-4000)}\n--- stderr (tail)\n${result.stderr.slice(-4000)}`;
}

function expectExit(result: ExecuteResult, code: number): void {
	if (result.exitCode !== code || result.execution === undefined)
		throw new Error(`expected exit ${code} with an execution; got ${explain(result)}`);
}

const jsonOf = (items: readonly OutputItem[]): JsonObject[] => items.map((item) => item.json);
const pairs = (items: readonly OutputItem[]) => items.map(pairedIndex);

/** What a call looked for: `retrieve email:…`, `retrieve id:…` or `delete id:…`. */
function describeCall(call: CallRecord): string {
	const endpoint = call.path.split('/').pop();
	return call.email !== undefined
		? `${endpoint} email:${call.email}`
		: `${endpoint} id:${call.userId ?? '(none)'}`;
}

const sorted = (list: readonly string[]) => [...list].sort();

function expectKeyOnlyInBody(calls: readonly CallRecord[]): void {
	expect(calls.length).toBeGreaterThan(0);
	for (const call of calls) expect(call.keyLocations).toEqual(['body']);
}

function itKeepsTheKeySecret(): void {
	it('keeps the API key out of everything n8n printed and stored (stdout, stderr, user folder incl. database.sqlite)', () => {
		expect(n8n.findSecret(API_KEY)).toEqual([]);
	});
}

// ---------------------------------------------------------------- Get and Dry Run

describe('User → Get, and Delete with Dry Run (workflow lookups-get-and-dry-run)', () => {
	let result: ExecuteResult;
	let calls: CallRecord[];

	beforeAll(async () => {
		standIn.reset({ users: DEMO_USERS });
		result = await n8n.execute(workflows.get.id);
		calls = [...standIn.calls];
	}, SCENARIO_TIMEOUT_MS);

	it('runs every branch and exits 0', () => {
		expectExit(result, 0);
		expect(result.error).toBeUndefined();
	});

	it("Get by user ID: the user object as ProductBridge sends it, status 'found'; an unknown ID passes with the user's fields null, status not_found, no error key", () => {
		const out = outputItems(result.runData, 'Get by user ID');
		expect(jsonOf(out)).toEqual([asRetrieved(ADA), getNotFound({ user_id: STRANGER_1 })]);
		expect(out[0].json.id).not.toBe(out[0].json.user_id);
		expect(out[1].json).not.toHaveProperty('error');
		expect(pairs(out)).toEqual([0, 1]);
		expect(outputItems(result.runData, 'Get by user ID', 1)).toEqual([]);
	});

	it('Get by email (read through an expression): trimmed, found; another letter case and an unknown email pass with their email, the other fields null, status not_found', () => {
		const out = outputItems(result.runData, 'Get by email');
		expect(jsonOf(out)).toEqual([
			asRetrieved(GRACE),
			getNotFound({ email: 'Grace.Hopper@example.com' }),
			getNotFound({ email: NOBODY }),
		]);
		for (const item of out.slice(1)) expect(item.json).not.toHaveProperty('error');
		expect(pairs(out)).toEqual([0, 1, 2]);
	});

	it("Get with Fail the Item + On Error 'Continue (using error output)': the unknown email lands on output 1, merged with its input fields", () => {
		const node = 'Get (Not Found fails): error output';
		const found = outputItems(result.runData, node, 0);
		const failed = outputItems(result.runData, node, 1);
		expect(jsonOf(found)).toEqual([asRetrieved(ALAN)]);
		expect(pairs(found)).toEqual([0]);
		expect(jsonOf(failed)).toEqual([
			{
				row: 2,
				email: NO_ONE,
				error: `ProductBridge has no user with email ${NO_ONE} in this organization`,
				message: expect.stringContaining("Set 'If User Not Found' to 'Continue'"),
			},
		]);
		expect(pairs(failed)).toEqual([1]);
		expect(jsonOf(outputItems(result.runData, 'Found'))).toEqual(jsonOf(found));
		expect(jsonOf(outputItems(result.runData, 'Not found'))).toEqual(jsonOf(failed));
	});

	it('empty, missing, malformed and non-text emails fail on the error output with their input fields, and the item after them is still looked up', () => {
		const node = 'Get (invalid emails): error output';
		const failed = outputItems(result.runData, node, 1);
		expect(pairs(failed)).toEqual([0, 1, 2, 3, 4]);
		expect(jsonOf(failed)).toEqual(
			[
				[{ row: 1, email: '' }, 'No email [item 0]'],
				[{ row: 2, note: 'no email field' }, 'No email [item 1]'],
				[
					{ row: 3, email: 'ada at example.com' },
					"'ada at example.com' is not a valid email address [item 2]",
				],
				[
					{ row: 4, email: 'ada@localhost' },
					"'ada@localhost' is not a valid email address [item 3]",
				],
				[{ row: 5, email: 42 }, 'number 42 is not a valid email address [item 4]'],
			].map(([input, error]) => ({
				...(input as JsonObject),
				error,
				message: expect.stringContaining("Check the 'Email' field"),
			})),
		);
		expect(jsonOf(outputItems(result.runData, 'Rejected'))).toEqual(jsonOf(failed));
		const found = outputItems(result.runData, node, 0);
		expect(jsonOf(found)).toEqual([asRetrieved(KATHERINE)]);
		expect(pairs(found)).toEqual([5]);
	});

	it("Dry Run by email: 'would_delete' with user_id, email and name; another letter case and an unknown email are not_found", () => {
		const out = outputItems(result.runData, 'Dry run by email');
		expect(jsonOf(out)).toEqual([
			audit(KATHERINE, 'would_delete'),
			deleteNotFound({ email: 'Katherine.Johnson@example.com' }),
			deleteNotFound({ email: NOBODY }),
		]);
		expect(pairs(out)).toEqual([0, 1, 2]);
	});

	it("Dry Run by user ID: looks the user up too: 'would_delete' and not_found", () => {
		const out = outputItems(result.runData, 'Dry run by user ID');
		expect(jsonOf(out)).toEqual([
			audit(MARGARET, 'would_delete'),
			deleteNotFound({ user_id: STRANGER_2 }),
		]);
		expect(pairs(out)).toEqual([0, 1]);
	});

	it('made no /users/delete call at all, and everybody is still linked', () => {
		expect(calls.filter((call) => call.path === DELETE_PATH)).toEqual([]);
		expect(standIn.stats().byPath[DELETE_PATH]).toBeUndefined();
		expect(standIn.stats().deletions).toBe(0);
		expect(standIn.deletedUserIds()).toEqual([]);
	});

	it('looked each valid identifier up once per node, emails exactly as typed (trimmed, never lower-cased), invalid ones never', () => {
		expect(calls.every((call) => call.path === RETRIEVE_PATH && call.status !== 0)).toBe(true);
		expect(sorted(calls.map(describeCall))).toEqual(
			sorted([
				// Get by user ID
				`retrieve id:${ADA.user_id}`,
				`retrieve id:${STRANGER_1}`,
				// Get by email
				`retrieve email:${GRACE.email}`,
				'retrieve email:Grace.Hopper@example.com',
				`retrieve email:${NOBODY}`,
				// Get, Not Found fails
				`retrieve email:${ALAN.email}`,
				`retrieve email:${NO_ONE}`,
				// invalid emails: only the valid one after them
				`retrieve email:${KATHERINE.email}`,
				// Dry run by email
				`retrieve email:${KATHERINE.email}`,
				'retrieve email:Katherine.Johnson@example.com',
				`retrieve email:${NOBODY}`,
				// Dry run by user ID
				`retrieve id:${MARGARET.user_id}`,
				`retrieve id:${STRANGER_2}`,
			]),
		);
		expectKeyOnlyInBody(calls);
	});

	itKeepsTheKeySecret();
});

// ---------------------------------------------------------------- Delete by email

describe('User → Delete by email (workflow lookups-delete-by-email)', () => {
	let result: ExecuteResult;
	let calls: CallRecord[];

	beforeAll(async () => {
		standIn.reset({ users: [...DEMO_USERS, ...MEMBERS] });
		// Uneven answer times, so that the batch's answers come back out of order (concurrency 4).
		standIn.configure({ latencyMs: 5, slowRate: 0.3, slowMs: 150 });
		result = await n8n.execute(workflows.delete.id);
		calls = [...standIn.calls];
	}, SCENARIO_TIMEOUT_MS);

	const callsFor = (email: string, userId: string) =>
		calls.filter((call) => call.email === email || call.userId === userId);

	it('runs every branch and exits 0', () => {
		expectExit(result, 0);
		expect(result.error).toBeUndefined();
	});

	it('looks the user up, deletes it by the user_id it got back (not the membership id) and outputs {user_id, email, name, status, deleted, confirmed_on_retry, note}', () => {
		const out = outputItems(result.runData, 'Delete by email');
		expect(out[0].json).toEqual(audit(ADA, 'deleted'));
		expect(pairs(out)).toEqual([0, 1, 2]);
		expect(callsFor(ADA.email, ADA.user_id).map(describeCall)).toEqual([
			`retrieve email:${ADA.email}`,
			`delete id:${ADA.user_id}`,
		]);
		expect(calls.some((call) => call.userId === ADA.id)).toBe(false);
	});

	it('an email that is not linked, or linked in another letter case, passes as {user_id: null, email, name: null, status: not_found, deleted: false, …} and nobody is removed for it', () => {
		const out = outputItems(result.runData, 'Delete by email');
		expect(jsonOf(out).slice(1)).toEqual([
			deleteNotFound({ email: NOBODY }),
			deleteNotFound({ email: 'Grace.Hopper@example.com' }),
		]);
		expect(callsFor('Grace.Hopper@example.com', GRACE.user_id).map(describeCall)).toEqual([
			'retrieve email:Grace.Hopper@example.com',
		]);
		expect(calls.some((call) => call.email === GRACE.email)).toBe(false);
		expect(standIn.deletedUserIds()).not.toContain(GRACE.user_id);
	});

	it("Fail the Item + On Error 'Continue (using error output)': the unknown email goes to output 1 with its input fields", () => {
		const node = 'Delete by email (Not Found fails): error output';
		const removed = outputItems(result.runData, node, 0);
		const failed = outputItems(result.runData, node, 1);
		expect(jsonOf(removed)).toEqual([audit(ALAN, 'deleted')]);
		expect(pairs(removed)).toEqual([0]);
		expect(jsonOf(failed)).toEqual([
			{
				ticket: 'OFF-202',
				email: NO_ONE,
				error: `ProductBridge has no user with email ${NO_ONE} in this organization`,
				message: expect.stringContaining("Set 'If User Not Found' to 'Continue'"),
			},
		]);
		expect(pairs(failed)).toEqual([1]);
		expect(jsonOf(outputItems(result.runData, 'Removed'))).toEqual(jsonOf(removed));
		expect(jsonOf(outputItems(result.runData, 'Not removed'))).toEqual(jsonOf(failed));
	});

	describe('a mixed batch of 24', () => {
		const m = (n: number) => `member${String(n).padStart(2, '0')}@example.com`;
		const g = (n: number) => `ghost${String(n).padStart(2, '0')}@example.com`;
		/** Mirrors the workflow's Code node (checked below). */
		const BATCH: Array<[string, string | number | undefined]> = [
			['linked', m(1)],
			['unknown', g(1)],
			['invalid', ''],
			['linked', m(2)],
			['duplicate', m(2)],
			['other letter case', 'Member03@example.com'],
			['linked', m(3)],
			['unknown', g(2)],
			['invalid', 'member09 at example.com'],
			['linked', m(4)],
			['duplicate, padded', ` ${m(7)} `],
			['duplicate unknown', g(2)],
			['invalid', undefined],
			['linked', m(5)],
			['linked', m(6)],
			['linked', m(7)],
			['invalid', 'member10@localhost'],
			['unknown', g(3)],
			['duplicate', m(5)],
			['invalid', 12345],
			['linked', m(8)],
			['other letter case', 'MEMBER08@EXAMPLE.COM'],
			['unknown', g(4)],
			['duplicate', m(1)],
		];
		const rows = BATCH.map(
			([kind, email], row): JsonObject =>
				email === undefined ? { row, kind } : { row, kind, email },
		);
		const INVALID_ERRORS: Record<number, string> = {
			2: 'No email [item 2]',
			8: "'member09 at example.com' is not a valid email address [item 8]",
			12: 'No email [item 12]',
			16: "'member10@localhost' is not a valid email address [item 16]",
			19: 'number 12345 is not a valid email address [item 19]',
		};
		const node = 'Delete by email (mixed batch)';
		let handled: OutputItem[];
		let rejected: OutputItem[];

		beforeAll(() => {
			handled = outputItems(result.runData, node, 0);
			rejected = outputItems(result.runData, node, 1);
		});

		it('feeds the rows the test expects', () => {
			expect(jsonOf(outputItems(result.runData, '24 mixed rows'))).toEqual(rows);
		});

		it('every row comes out exactly once, in input order: invalid ones on output 1, the rest on output 0', () => {
			const invalidRows = rows.filter((row) => row.kind === 'invalid').map((row) => row.row);
			expect(pairs(rejected)).toEqual(invalidRows);
			expect(pairs(handled)).toEqual(
				rows.filter((row) => row.kind !== 'invalid').map((row) => row.row),
			);
			expect(jsonOf(outputItems(result.runData, 'Batch: handled'))).toEqual(jsonOf(handled));
			expect(jsonOf(outputItems(result.runData, 'Batch: rejected'))).toEqual(jsonOf(rejected));
		});

		it('each output item is the outcome for its own row: deleted (duplicates too) or not found', () => {
			for (const item of handled) {
				const row = rows[pairedIndex(item) as number];
				const email = String(row.email).trim();
				const seed = member(email);
				expect([row.row, item.json]).toEqual([
					row.row,
					seed !== undefined ? audit(seed, 'deleted') : deleteNotFound({ email }),
				]);
			}
			const statusOf = (kind: string) =>
				handled
					.filter((item) => rows[pairedIndex(item) as number].kind === kind)
					.map((item) => item.json.status);
			expect(statusOf('duplicate')).toEqual(['deleted', 'deleted', 'deleted']);
			expect(statusOf('duplicate, padded')).toEqual(['deleted']);
			expect(statusOf('other letter case')).toEqual(['not_found', 'not_found']);
			expect(statusOf('duplicate unknown')).toEqual(['not_found']);
		});

		it('each invalid row is on the error output with its own input fields and the error for that row', () => {
			for (const item of rejected) {
				const index = pairedIndex(item) as number;
				expect(item.json).toEqual({
					...rows[index],
					error: INVALID_ERRORS[index],
					message: expect.stringContaining("Check the 'Email' field"),
				});
			}
		});

		it('looked up each distinct email once (as typed, trimmed), deleted each person once by user_id, and sent nothing for invalid rows', () => {
			const batchCalls = calls.filter(
				(call) =>
					call.email?.startsWith('ghost') === true ||
					call.email?.toLowerCase().startsWith('member') === true ||
					call.userId?.startsWith('5eed0e00') === true ||
					call.userId?.startsWith('3e3b0000') === true,
			);
			const lookups = batchCalls.filter((call) => call.path === RETRIEVE_PATH);
			const deletes = batchCalls.filter((call) => call.path === DELETE_PATH);
			expect(sorted(lookups.map((call) => call.email ?? '(no email)'))).toEqual(
				sorted([
					...MEMBERS.map((seed) => seed.email),
					g(1),
					g(2),
					g(3),
					g(4),
					'Member03@example.com',
					'MEMBER08@EXAMPLE.COM',
				]),
			);
			expect(sorted(deletes.map((call) => call.userId ?? '(no id)'))).toEqual(
				sorted(MEMBERS.map((seed) => seed.user_id)),
			);
			expect(deletes.every((call) => call.status === 200)).toBe(true);
			// each delete came after its own lookup
			for (const seed of MEMBERS) {
				const lookup = lookups.findIndex((call) => call.email === seed.email);
				const removal = deletes.find((call) => call.userId === seed.user_id);
				expect(removal?.at).toBeGreaterThanOrEqual(lookups[lookup].at);
			}
			expect(standIn.stats().maxInFlight).toBeLessThanOrEqual(4);
		});
	});

	it('in all, the stand-in removed exactly Ada, Alan and the eight members, and every call carried the key in its body only', () => {
		expect(sorted(standIn.deletedUserIds())).toEqual(
			sorted([ADA.user_id, ALAN.user_id, ...MEMBERS.map((seed) => seed.user_id)]),
		);
		expect(calls.filter((call) => call.path === DELETE_PATH)).toHaveLength(10);
		expect(calls.filter((call) => call.path === RETRIEVE_PATH)).toHaveLength(3 + 2 + 14);
		expectKeyOnlyInBody(calls);
	});

	itKeepsTheKeySecret();
});

describe('after both workflows', () => {
	it('the API key is nowhere in what n8n printed or stored', () => {
		expect(n8n.findSecret(API_KEY)).toEqual([]);
		expect(n8n.commands.length).toBeGreaterThanOrEqual(4);
	});
});
