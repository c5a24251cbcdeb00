/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * `npm run test:queue`: this package in n8n's queue mode, as teams run n8n beyond one instance.
 * Everything is real and started here, each on 127.0.0.1 and stopped by process id: a PostgreSQL
 * cluster in a temporary folder, a redis-server, the ProductBridge stand-in, `n8n start` (main:
 * webhooks, REST, the queue's producer) and two `n8n worker` processes sharing the user folder the
 * package is installed in, the encryption key, the database and Redis.
 *
 * Everything goes through a published webhook workflow (test/queue/workflows/webhook-delete.json)
 * called over HTTP, as an HR system would, and through n8n's REST API as the editor does.
 *
 * The closing line is `queue: N passed, N failed`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';

import { startStandIn } from '../../tools/standin/server.ts';
import { deleteItem } from '../support/outputs.ts';
import type { StandIn } from '../../tools/standin/server.ts';
import {
	loadWorkflow,
	pairedIndex,
	prepareN8n,
	REPO_ROOT,
	rewriteWorkflow,
	waitForWebhook,
} from '../support/n8n.ts';
import type {
	JsonObject,
	N8nInstance,
	N8nServer,
	OutputItem,
	RunData,
	WorkflowJson,
} from '../support/n8n.ts';
import { findQueueBinaries, startPostgres, startRedis } from '../../tools/queue-services.ts';
import type { PostgresCluster, RedisServer } from '../../tools/queue-services.ts';

const WORKFLOWS_DIR = path.join(REPO_ROOT, 'test', 'queue', 'workflows');

/** `pb_` + 43 URL-safe characters, fresh for every run. */
const API_KEY = `pb_${randomBytes(33).toString('base64url').slice(0, 43)}`;
const WEBHOOK_SECRET = `queue-${randomBytes(12).toString('hex')}`;
const WEBHOOK_HEADER = 'X-Offboarding-Secret';
const ENCRYPTION_KEY = randomBytes(24).toString('base64url');

const CREDENTIALS = {
	productBridge: { id: 'pbQueueStandIn', name: 'ProductBridge (stand-in)' },
	webhook: { id: 'pbQueueHook', name: 'Offboarding webhook secret' },
};
const DELETE_PATH = '/api/external/v1/users/delete';
const RETRIEVE_PATH = '/api/external/v1/users/retrieve';
const PING_PATH = '/api/external/v1/ping';

const SETUP_TIMEOUT_MS = 50 * 60_000;
const SCENARIO_TIMEOUT_MS = 5 * 60_000;
/**
 * With n8n 2.41's defaults a dead worker's job is noticed 60 to 90 s after the death (lock of 60 s,
 * stalled-job check every 30 s), and main re-checks for another 30 s before giving up on it.
 */
const WORKER_DEATH_TIMEOUT_MS = 4 * 60_000;

const log = (line: string) => process.stderr.write(`[queue] ${line}\n`);

let standIn: StandIn;
let redis: RedisServer | undefined;
let postgres: PostgresCluster | undefined;
let n8n: N8nInstance | undefined;
let main: N8nServer;
const workers: Record<string, N8nServer> = {};
let rest: Rest;
let webhookUrl: string;
let webhookWorkflow: WorkflowJson;
let getWorkflow: WorkflowJson;

beforeAll(async () => {
	// First, so that a machine without the packages fails at once, saying what to install.
	const binaries = findQueueBinaries();
	standIn = await startStandIn({ apiKey: API_KEY, users: [] });
	redis = await startRedis(binaries);
	postgres = await startPostgres(binaries);
	log(
		`postgres pid ${postgres.pid} on 127.0.0.1:${postgres.port}, redis-server pid ${redis.pid} on 127.0.0.1:${redis.port}`,
	);
	// Every n8n process gets the same settings: database, queue, encryption key, user folder.
	n8n = await prepareN8n({
		log,
		env: {
			...postgres.n8nEnv(),
			// n8n's default is 2 connections with a 20 s wait for one: a burst of webhook calls (2b)
			// on a busy 2-core machine then makes main answer 500 before any worker runs them.
			DB_POSTGRESDB_POOL_SIZE: '10',
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		},
	});
	expectOk(
		await n8n.importCredential([
			{
				...CREDENTIALS.productBridge,
				type: 'productBridgeApi',
				data: { apiKey: API_KEY, baseUrl: standIn.url },
			},
			{
				...CREDENTIALS.webhook,
				type: 'httpHeaderAuth',
				data: { name: WEBHOOK_HEADER, value: WEBHOOK_SECRET },
			},
		]),
		'import:credentials',
	);
	const placeholders = {
		credentials: {
			REPLACE_PRODUCTBRIDGE_CREDENTIAL: CREDENTIALS.productBridge,
			REPLACE_WEBHOOK_HEADER_AUTH_CREDENTIAL: CREDENTIALS.webhook,
		},
	};
	webhookWorkflow = rewriteWorkflow(
		loadWorkflow(path.join(WORKFLOWS_DIR, 'webhook-delete.json')),
		placeholders,
	);
	getWorkflow = rewriteWorkflow(
		loadWorkflow(path.join(WORKFLOWS_DIR, 'manual-get.json')),
		placeholders,
	);
	expectOk(await n8n.importWorkflow([webhookWorkflow, getWorkflow]), 'import:workflow');
	// Published before main starts: main registers the production webhook as it starts.
	expectOk(await n8n.run(['publish:workflow', `--id=${webhookWorkflow.id}`]), 'publish:workflow');

	log('starting n8n main (queue mode, Postgres)');
	main = watch(await n8n.startServer(), 'main');
	log(`main pid ${main.pid} on ${main.url}; starting two workers`);
	const [first, second] = await Promise.all([n8n.startWorker(), n8n.startWorker()]);
	workers.A = watch(first, 'worker A');
	workers.B = watch(second, 'worker B');
	log(`worker A pid ${first.pid}, worker B pid ${second.pid}`);
	// Registered webhooks mean a started main: until then its REST API answers
	// "n8n is starting up" (HTTP 200) to everything.
	webhookUrl = `${main.url}/webhook/productbridge-queue`;
	await waitForWebhook(webhookUrl);
	rest = new Rest(main.url);
	await rest.setUpOwner();
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
	saveLogs();
	await n8n?.cleanup();
	await standIn?.close();
	await redis?.stop();
	await postgres?.stop();
});

// ---------------------------------------------------------------- the set-up itself

describe('queue mode set-up', () => {
	it('main and both workers run on Postgres and Redis, with the package loaded from the shared user folder', () => {
		const everything = [main, workers.A, workers.B].map(outputOf).join('\n');
		expect(everything).not.toMatch(/Scaling mode is not officially supported with sqlite/i);
		expect(everything).not.toMatch(
			/Unrecognized node type|n8n-nodes-productbridge.*(failed|error)/i,
		);
		for (const worker of [workers.A, workers.B])
			expect(outputOf(worker)).toContain('n8n worker is now ready');
	});
});

// ---------------------------------------------------------------- 1. one bulk run on a worker

describe('1. a webhook with 1,000 ids (10% not linked) is run by a worker', () => {
	const ids = idsFor(1, 1000);
	let answer: WebhookAnswer;
	let execution: Execution;
	let ranBy: string[];

	beforeAll(async () => {
		standIn.reset({ users: ids.linked.map((user_id) => ({ user_id })) });
		answer = await callWebhook({ batch: 'one-thousand', ids: ids.all });
		execution = await rest.execution(String(answer.json.executionId));
		ranBy = whoRan(execution.id);
	}, SCENARIO_TIMEOUT_MS);

	it('answers 200 with every item counted: 900 deleted, 100 not found, none failed', () => {
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({
			executionId: expect.any(String),
			batch: 'one-thousand',
			items: 1000,
			deleted: 900,
			not_found: 100,
			failed: 0,
		});
	});

	it('was enqueued by main and run by exactly one worker, not by main', () => {
		expect(execution.mode).toBe('webhook');
		expect(execution.status).toBe('success');
		expect(ranBy).toHaveLength(1);
		expect(['A', 'B']).toContain(ranBy[0]);
		expect(outputOf(main)).toContain(`Enqueued execution ${execution.id} (job `);
		expect(outputOf(main)).not.toContain(`Worker started execution ${execution.id} (job `);
	});

	it('every item on the right output, paired with its own input item, in order', () => {
		expectItemsAccountedFor(execution.runData, ids, { failed: [] });
	});

	it('every linked user deleted exactly once on ProductBridge, nobody else', () => {
		expectDeletedExactlyOnce(ids.linked);
		expect(deleteCalls()).toHaveLength(1000);
	});
});

// ---------------------------------------------------------------- 2. concurrent calls

describe('2. five webhook calls at once', () => {
	const batches = Array.from({ length: 5 }, (_, index) => idsFor(20 + index, 200, 2));
	let answers: WebhookAnswer[];
	let executions: Execution[];
	let ranBy: string[][];

	beforeAll(async () => {
		standIn.reset({
			users: batches.flatMap((batch) => batch.linked.map((user_id) => ({ user_id }))),
		});
		// Each execution takes a while, so that all five are queued and running at once.
		standIn.configure({ latencyMs: 25 });
		answers = await Promise.all(
			batches.map((batch, index) => callWebhook({ batch: `call-${index + 1}`, ids: batch.all })),
		);
		executions = await Promise.all(
			answers.map(async (answer) => await rest.execution(String(answer.json.executionId))),
		);
		ranBy = executions.map((execution) => whoRan(execution.id));
		log(
			`five calls: executions ${executions.map((e, i) => `${e.id} on worker ${ranBy[i].join('+')}`).join(', ')}`,
		);
	}, SCENARIO_TIMEOUT_MS);

	it('five answers, five distinct executions, each item of each call counted', () => {
		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
		expect(new Set(executions.map((execution) => execution.id)).size).toBe(5);
		answers.forEach((answer, index) => {
			expect(answer.json).toEqual({
				executionId: executions[index].id,
				batch: `call-${index + 1}`,
				items: 200,
				deleted: batches[index].linked.length,
				not_found: batches[index].unlinked.length,
				failed: 2,
			});
		});
	});

	it('spread over both workers, each execution run by exactly one of them', () => {
		for (const who of ranBy) expect(who).toHaveLength(1);
		expect(new Set(ranBy.flat())).toEqual(new Set(['A', 'B']));
	});

	it('every item of every call on the right output, paired with its own input item', () => {
		executions.forEach((execution, index) => {
			expect(execution.status).toBe('success');
			expectItemsAccountedFor(execution.runData, batches[index], {
				failed: batches[index].invalid,
			});
		});
	});

	it('nothing lost or duplicated on ProductBridge: 900 users deleted once each', () => {
		expectDeletedExactlyOnce(batches.flatMap((batch) => batch.linked));
		// The two malformed ids per call never leave n8n.
		expect(deleteCalls()).toHaveLength(5 * 198);
	});
});

// ---------------------------------------------------------------- 2b. a burst across both workers

describe('2b. a burst of one-user webhook calls across both workers, against an API allowing 3 requests/s', () => {
	// Issue 18: each worker has its own controller; backing off on their own 429s, the two share
	// the limit between them. One user per call, as an HR system calls a webhook per leaver.
	const CALLS = 60;
	const PER_SECOND = 3;
	/** Generous next to the issue's target (1.25 × N/R): this checks that nobody is lost, not speed. */
	const BOUND_SECONDS = 3 * (CALLS / PER_SECOND);
	const users = Array.from(
		{ length: CALLS },
		(_, index) => `5eed0030-0000-4000-8000-${String(index).padStart(12, '0')}`,
	);
	let answers: WebhookAnswer[];
	let ranBy: string[][];
	let seconds: number;

	afterAll(() => standIn.configure({ rateLimit: null }));

	beforeAll(async () => {
		standIn.reset({ users: users.map((user_id) => ({ user_id })) });
		standIn.configure({ rateLimit: { perSecond: PER_SECOND, retryAfter: 'seconds' } });
		const started = Date.now();
		// A call that gets no answer is counted, not thrown: the log then still says what the API saw.
		answers = await Promise.all(
			users.map(
				async (user_id, index) =>
					await callWebhook({ batch: `burst-${index}`, ids: [user_id] }, 120_000).catch(
						(error: unknown): WebhookAnswer => ({
							status: 0,
							json: {},
							text: `no answer: ${String(error)}`,
							ms: Date.now() - started,
						}),
					),
			),
		);
		seconds = (Date.now() - started) / 1000;
		// A call n8n refused has no execution; the first test counts it.
		ranBy = answers
			.filter((answer) => answer.json.executionId !== undefined)
			.map((answer) => whoRan(String(answer.json.executionId)));
		const stats = standIn.stats();
		const failed = answers.filter((answer) => answer.json.failed !== 0).length;
		const refusals = answers.filter((answer) => answer.status !== 200);
		const refused = `${refusals.length} answers not 200${refusals.length > 0 ? `: ${[...new Set(refusals.map((answer) => `${answer.status} ${answer.text.slice(0, 120)}`))].join(' | ')}` : ''}`;
		const byWorker = ['A', 'B'].map(
			(name) => `${name} ${ranBy.filter((who) => who.includes(name)).length}`,
		);
		log(
			`burst: ${CALLS} calls, ${PER_SECOND} requests/s: ${failed} failed (${refused}), ${standIn.deletedUserIds().length} removed, ` +
				`${seconds.toFixed(1)} s (N/R = ${CALLS / PER_SECOND} s), ${stats.requests} requests, ${stats.byStatus['429'] ?? 0} 429s; ` +
				`executions by worker: ${byWorker.join(', ')}; slowest answer ${(Math.max(...answers.map((answer) => answer.ms)) / 1000).toFixed(1)} s`,
		);
	}, SCENARIO_TIMEOUT_MS);

	it('every call n8n answered came back 200 with its one user deleted: 0 failed', () => {
		const answered = answers.filter((answer) => answer.status !== 0);
		expect(answered.map((answer) => answer.status)).toEqual(answered.map(() => 200));
		expect(answered.filter((answer) => answer.json.failed !== 0)).toEqual([]);
		expect(answered.map((answer) => answer.json.deleted)).toEqual(answered.map(() => 1));
		// n8n 2.41.1's main now and then never answers one of 60 queued webhook calls although its
		// execution ran (CI: the user removed, exactly once; no answer in 120 s). One such loss is
		// n8n's and is logged above; the next test still requires every user removed exactly once.
		expect(answers.length - answered.length).toBeLessThanOrEqual(1);
	});

	it('every user removed from ProductBridge, exactly once', () => {
		expectDeletedExactlyOnce(users);
	});

	it(`within ${BOUND_SECONDS} s (3 × N/R), to the last answer n8n gave`, () => {
		const answered = answers.filter((answer) => answer.status !== 0);
		expect(Math.max(...answered.map((answer) => answer.ms)) / 1000).toBeLessThanOrEqual(
			BOUND_SECONDS,
		);
	});

	it("says so in the node's execution hint where a run met a 429, with no key in it", async () => {
		const hints: string[] = [];
		for (const answer of answers.filter((each) => each.json.executionId !== undefined)) {
			const execution = await rest.execution(String(answer.json.executionId));
			const task = execution.runData.Delete?.[0] as { hints?: Array<{ message: string }> };
			hints.push(...(task?.hints ?? []).map((hint) => hint.message));
		}
		log(`burst hints: ${hints.length} executions carry one, e.g. "${hints[0] ?? ''}"`);
		expect(hints.length).toBeGreaterThan(0);
		for (const hint of hints) {
			expect(hint).toMatch(
				/^ProductBridge (rate-limited \d+ requests? \(429\) in this run|asked this API key to slow down); the longest wait of an item for its turn was \d+\.\d s/,
			);
			expect(hint).not.toContain(API_KEY.slice(-12));
		}
	});

	it('both workers ran executions of the burst, each execution on one worker', () => {
		for (const who of ranBy) expect(who).toHaveLength(1);
		expect(new Set(ranBy.flat())).toEqual(new Set(['A', 'B']));
	});
});

// ---------------------------------------------------------------- 3. a worker dies mid-run

describe('3. a worker killed (SIGKILL) half way through 1,000 deletions', () => {
	const ids = idsFor(3, 1000);
	const observed: {
		executionId?: string;
		victim?: string;
		survivor?: string;
		deletionsAtKill?: number;
		firstCall?: { status: number | string; text: string; secondsAfterKill: number };
		killedExecution?: Execution;
		survivorPickedItUp?: boolean;
		reRun?: 'by n8n' | "by n8n's Retry" | 'by a retry of the webhook';
		/** What n8n's Retry (Executions list → the failed execution → Retry) did. */
		n8nRetry?: { http: number; status?: string; deleteCalls: number; error: string };
	} = {};
	let reRun: Execution;
	let reRunAnswer: WebhookAnswer | undefined;
	let callsBeforeReRun = 0;

	afterAll(() => standIn.configure({ latencyMs: 0 }));

	beforeAll(async () => {
		standIn.reset({ users: ids.linked.map((user_id) => ({ user_id })) });
		// 1,000 deletions at concurrency 8 and 50 ms each: about six seconds of work to interrupt.
		standIn.configure({ latencyMs: 50 });
		const startedBefore = new Set(startedExecutions().keys());
		const firstCall = callWebhook({ batch: 'killed', ids: ids.all }, WORKER_DEATH_TIMEOUT_MS).then(
			(answer) => answer,
			(error: unknown) => ({ status: 'no answer', text: String(error), json: {}, ms: 0 }),
		);
		await waitFor(
			'half of the deletions to reach ProductBridge',
			() => deleteCalls().length >= 500,
			120_000,
		);
		const [executionId, ranOn] =
			[...startedExecutions()].find(([id]) => !startedBefore.has(id)) ?? [];
		if (executionId === undefined || ranOn?.length !== 1)
			throw new Error('no worker logged that it started the execution');
		observed.executionId = executionId;
		observed.victim = ranOn[0];
		observed.survivor = observed.victim === 'A' ? 'B' : 'A';
		const victim = workers[observed.victim];
		process.kill(-victim.pid, 'SIGKILL');
		const killedAt = Date.now();
		log(
			`killed worker ${observed.victim} (pid ${victim.pid}) running execution ${executionId} after ${deleteCalls().length} delete calls`,
		);
		await victim.exited;
		// Requests the worker had fully sent may still wait in the stand-in's socket buffers.
		await new Promise((resolve) => setTimeout(resolve, 500));
		observed.deletionsAtKill = standIn.stats().deletions;

		const first = await firstCall;
		observed.firstCall = {
			status: first.status,
			text: first.text.slice(0, 300),
			secondsAfterKill: Math.round((Date.now() - killedAt) / 1000),
		};
		observed.killedExecution = await rest.finishedExecution(executionId, WORKER_DEATH_TIMEOUT_MS);
		observed.survivorPickedItUp = whoRan(executionId).includes(observed.survivor);
		const nodesWithResults = Object.keys(observed.killedExecution.runData);
		log(
			`n8n on worker death: first call answered ${observed.firstCall.status} ${observed.firstCall.secondsAfterKill} s after the kill ` +
				`(${observed.firstCall.text.replace(/\s+/g, ' ').slice(0, 200)}); execution ${executionId} ended "${observed.killedExecution.status}"` +
				` (${String(observed.killedExecution.error?.message ?? 'no error')}); results kept for nodes: [${nodesWithResults.join(', ')}];` +
				` the surviving worker ${observed.survivorPickedItUp ? 'picked it up' : 'never picked it up'}`,
		);

		callsBeforeReRun = deleteCalls().length;
		if (observed.killedExecution.status === 'success' && observed.survivorPickedItUp) {
			observed.reRun = 'by n8n';
			reRun = observed.killedExecution;
			return;
		}
		// An operator's first try: the failed execution's Retry button (with the original workflow).
		const retried = await rest.call('POST', `/executions/${executionId}/retry`, {
			loadWorkflow: false,
		});
		const retriedId = (retried.json.data as JsonObject | undefined)?.id;
		const retriedExecution =
			retried.status === 200 && retriedId !== undefined
				? await rest.finishedExecution(String(retriedId))
				: undefined;
		observed.n8nRetry = {
			http: retried.status,
			status: retriedExecution?.status,
			deleteCalls: deleteCalls().length - callsBeforeReRun,
			error: String(retriedExecution?.error?.message ?? retried.text.slice(0, 200)),
		};
		log(
			`n8n's Retry of execution ${executionId}: HTTP ${retried.status}, execution ${String(retriedId)} ended "${String(retriedExecution?.status)}" ` +
				`after ${observed.n8nRetry.deleteCalls} delete calls (${observed.n8nRetry.error.slice(0, 120)})`,
		);
		if (retriedExecution?.status === 'success') {
			observed.reRun = "by n8n's Retry";
			reRun = retriedExecution;
			return;
		}
		// What the caller (an HR system, an operator) does when the call failed: send it again.
		observed.reRun = 'by a retry of the webhook';
		callsBeforeReRun = deleteCalls().length;
		reRunAnswer = await callWebhook({ batch: 'killed, sent again', ids: ids.all });
		reRun = await rest.execution(String(reRunAnswer.json.executionId));
		log(
			`retry of the webhook: ${reRunAnswer.status} ${JSON.stringify(reRunAnswer.json)} in ${reRunAnswer.ms} ms, on worker ${whoRan(reRun.id).join('+')}`,
		);
	}, WORKER_DEATH_TIMEOUT_MS * 2);

	it('the worker died with the run part done: some users already deleted, not all', () => {
		expect(observed.deletionsAtKill).toBeGreaterThan(0);
		expect(observed.deletionsAtKill).toBeLessThan(ids.linked.length);
	});

	it('n8n does not lose the execution silently: it is re-run to success, or ends crashed/failed and the caller is told', () => {
		const execution = observed.killedExecution as Execution;
		if (observed.reRun === 'by n8n') {
			expect(execution.status).toBe('success');
		} else {
			expect(['crashed', 'error', 'canceled']).toContain(execution.status);
			expect(observed.firstCall?.status).not.toBe(200);
		}
	});

	it('n8n 2.41.1: no other worker takes the job over; the execution ends "error" (stalled) and the caller gets HTTP 500', () => {
		// n8n 2.41.1 sets Bull's maxStalledCount to 0: a job whose worker died is failed, not re-queued.
		// Other n8n versions may differ: the log line above says what they did.
		if ((n8n as N8nInstance).version !== '2.41.1') return;
		expect(observed.survivorPickedItUp).toBe(false);
		expect(observed.killedExecution?.status).toBe('error');
		expect(String(observed.killedExecution?.error?.message)).toContain(
			'failed to be processed too many times',
		);
		expect(observed.firstCall?.status).toBe(500);
		// Nothing of the run was saved: the record cannot say which users the dead worker removed.
		expect(observed.killedExecution?.runData.Delete).toBeUndefined();
	});

	it('n8n 2.41.1: the failed execution\'s Retry runs nothing: it ends "error" at once, ProductBridge hears nothing', () => {
		if ((n8n as N8nInstance).version !== '2.41.1') return;
		expect(observed.n8nRetry).toMatchObject({ http: 200, status: 'error', deleteCalls: 0 });
		expect(observed.reRun).toBe('by a retry of the webhook');
	});

	it('the re-run was taken by the surviving worker', () => {
		expect(whoRan(reRun.id)).toEqual([observed.survivor]);
		if (reRunAnswer !== undefined) expect(reRunAnswer.status).toBe(200);
	});

	it("the re-run accounts for every item: 'deleted' or 'not_found', none failed, each paired with its input", () => {
		const run = reRun.runData.Delete?.[0];
		const success = run?.data?.main?.[0] ?? [];
		expect(run?.data?.main?.[1] ?? []).toEqual([]);
		expect(success).toHaveLength(ids.all.length);
		const deletedByReRun = new Set(
			deleteCalls()
				.slice(callsBeforeReRun)
				.filter((call) => call.status === 200)
				.map((call) => String(call.userId)),
		);
		const linked = new Set(ids.linked);
		success.forEach((item, index) => {
			expect(pairedIndex(item)).toBe(index);
			const sent = ids.all[index];
			expect(item.json.user_id).toBe(sent);
			if (!linked.has(sent))
				expect(item.json).toEqual(deleteItem({ user_id: sent, status: 'not_found' }));
			else if (deletedByReRun.has(sent))
				expect(item.json).toEqual(deleteItem({ user_id: sent, status: 'deleted' }));
			// Removed by the killed worker: ProductBridge now answers 404. (A status for outcomes
			// the node cannot tell apart, 'deleted_or_not_found', may replace 'not_found' here.)
			else expect(['not_found', 'deleted_or_not_found']).toContain(item.json.status);
		});
		if (reRunAnswer !== undefined)
			expect(reRunAnswer.json).toMatchObject({
				items: 1000,
				failed: 0,
				deleted: deletedByReRun.size,
			});
	});

	it('every linked user deleted exactly once on ProductBridge across the killed run and the re-run', () => {
		expectDeletedExactlyOnce(ids.linked);
		expect(observed.deletionsAtKill as number).toBe(ids.linked.length - countDeletedBy(reRun));
	});
});

// ---------------------------------------------------------------- throughput

describe('throughput: 1,000 deletions at 25 ms latency, one worker and then two (printed, not asserted)', () => {
	const results: Array<{ workers: number; shape: string; seconds: number }> = [];
	/** `PB_QUEUE_ROUNDS=5` for figures worth writing down: the median of that many rounds. */
	const rounds = Math.max(1, Number(process.env.PB_QUEUE_ROUNDS ?? 1) || 1);
	let scenario = 40;

	/** `calls` webhook calls at once sharing 1,000 ids: wall time from the first call to the last answer. */
	async function measure(workerCount: number, calls: number): Promise<void> {
		const walls: number[] = [];
		const nodeTimes: number[] = [];
		for (let round = 0; round < rounds; round++) {
			const batches = Array.from({ length: calls }, () => idsFor(scenario++, 1000 / calls));
			standIn.reset({
				users: batches.flatMap((batch) => batch.linked.map((user_id) => ({ user_id }))),
			});
			standIn.configure({ latencyMs: 25 });
			const started = Date.now();
			const answers = await Promise.all(
				batches.map((batch, index) =>
					callWebhook({ batch: `throughput-${index}`, ids: batch.all }),
				),
			);
			walls.push((Date.now() - started) / 1000);
			for (const answer of answers) expect(answer.json).toMatchObject({ failed: 0 });
			expect(standIn.stats().deletions).toBe(
				batches.reduce((sum, batch) => sum + batch.linked.length, 0),
			);
			// n8n's own timing of the Delete node, the slowest of the calls: the rest is queueing,
			// the webhook, the Code and Merge nodes, and saving the execution.
			const executions = await Promise.all(
				answers.map(async (answer) => await rest.execution(String(answer.json.executionId))),
			);
			nodeTimes.push(
				Math.max(...executions.map((e) => Number(e.runData.Delete?.[0]?.executionTime ?? 0))) /
					1000,
			);
		}
		const wall = median(walls);
		const shape =
			calls === 1 ? 'one call of 1,000 ids' : `${calls} calls of ${1000 / calls} ids at once`;
		results.push({ workers: workerCount, shape, seconds: wall });
		log(
			`throughput: ${workerCount} worker(s), ${shape}: ${wall.toFixed(2)} s wall, Delete node ${median(nodeTimes).toFixed(2)} s ` +
				`(median of ${rounds}; walls ${walls.map((w) => w.toFixed(2)).join(', ')}; load average ${loadavg()[0].toFixed(1)})`,
		);
	}

	it('one worker (the survivor of scenario 3)', async () => {
		// Run on its own (`-t throughput`), both workers are still alive: one steps aside.
		for (const [name, worker] of Object.entries(workers)
			.filter(([, candidate]) => !hasExited(candidate))
			.slice(1)) {
			await worker.stop();
			exitedProcesses.add(worker.pid);
			log(`stopped worker ${name} for the one-worker measurement`);
		}
		expect(Object.values(workers).filter((worker) => !hasExited(worker))).toHaveLength(1);
		await measure(1, 1);
		await measure(1, 4);
	});

	it('a replacement worker joins, as an operator would start one, and takes work', async () => {
		const dead = Object.entries(workers).find(([, worker]) => hasExited(worker));
		expect(dead).toBeDefined();
		const [name] = dead as [string, N8nServer];
		workers[name] = watch(await (n8n as N8nInstance).startWorker(), `worker ${name} (replacement)`);
		log(`replacement worker ${name}: pid ${workers[name].pid}`);
		await measure(2, 1);
		await measure(2, 4);
		const lastRuns = [...startedExecutions()].slice(-4).flatMap(([, names]) => names);
		expect(new Set(lastRuns).size).toBe(2);
	});

	afterAll(() => {
		const of = (count: number, shape: string) =>
			results.find((result) => result.workers === count && result.shape === shape)?.seconds;
		for (const shape of new Set(results.map((result) => result.shape))) {
			const one = of(1, shape);
			const two = of(2, shape);
			if (one !== undefined && two !== undefined)
				log(
					`throughput ratio, ${shape}: two workers take ${(two / one).toFixed(2)}× the time of one (${one.toFixed(2)} s → ${two.toFixed(2)} s)`,
				);
		}
	});
});

// ---------------------------------------------------------------- 4. from the editor

describe("4. the editor in queue mode: the credential's Test button and Execute step on Get", () => {
	const LINKED = '5eed0004-0000-4000-8000-000000000001';
	const UNKNOWN = 'dead0004-0000-4000-8000-000000000002';
	let tested: { status?: string; message?: string };
	let pings: string[];

	/** What the editor does on "Execute step" with nothing run yet: run up to and including the node. */
	async function executeStep(nodeName: string): Promise<Execution> {
		const run = await rest.call('POST', `/workflows/${getWorkflow.id}/run`, {
			destinationNode: { nodeName, mode: 'inclusive' },
		});
		const executionId = (run.json.data as JsonObject | undefined)?.executionId;
		if (run.status !== 200 || executionId === undefined)
			throw new Error(
				`POST /workflows/${getWorkflow.id}/run: HTTP ${run.status} ${run.text.slice(0, 500)}`,
			);
		return await rest.finishedExecution(String(executionId));
	}

	function expectGetResult(execution: Execution): void {
		expect(execution.mode).toBe('manual');
		expect(execution.status).toBe('success');
		const items = execution.runData.Get?.[0]?.data?.main?.[0] ?? [];
		expect(items.map((item) => [pairedIndex(item), item.json.user_id, item.json.status])).toEqual([
			[0, LINKED, 'found'],
			[1, UNKNOWN, 'not_found'],
		]);
		expect(items[0].json).toMatchObject({
			user_id: LINKED,
			email: 'still.here@example.com',
			name: 'Still Here',
		});
	}

	beforeAll(async () => {
		standIn.reset({
			users: [{ user_id: LINKED, email: 'still.here@example.com', name: 'Still Here' }],
		});
		// What the editor does on Test for a saved credential: load it (secrets redacted), send it back.
		const loaded = await rest.call(
			'GET',
			`/credentials/${CREDENTIALS.productBridge.id}?includeData=true`,
		);
		const credential = loaded.json.data as JsonObject;
		const answer = await rest.call('POST', '/credentials/test', {
			credentials: {
				id: credential.id,
				name: credential.name,
				type: credential.type,
				data: credential.data,
			},
		});
		tested = (answer.json.data ?? { message: answer.text }) as typeof tested;
		pings = standIn.calls.map((call) => `${call.path} ${call.status}`);
	}, SCENARIO_TIMEOUT_MS);

	it('Test: "Connection successful", after one POST /ping from main', () => {
		expect(tested).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(pings).toEqual([`${PING_PATH} 200`]);
	});

	it('Execute step on Get: runs on main by default (OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS unset)', async () => {
		standIn.reset({
			users: [{ user_id: LINKED, email: 'still.here@example.com', name: 'Still Here' }],
		});
		const execution = await executeStep('Get');
		expectGetResult(execution);
		expect(whoRan(execution.id)).toEqual([]);
		expect(outputOf(main)).not.toContain(`Enqueued execution ${execution.id} (job `);
		expect(standIn.calls.map((call) => `${call.path} ${call.status}`).sort()).toEqual(
			[`${RETRIEVE_PATH} 200`, `${RETRIEVE_PATH} 404`].sort(),
		);
	});

	it(
		'Execute step on Get: runs on a worker with OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true (main restarted)',
		async () => {
			await main.stop();
			main = watch(
				await (n8n as N8nInstance).startServer({
					env: { OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true' },
				}),
				'main (offloading manual executions)',
			);
			// Registered webhooks mean a started main: until then its REST API answers
			// "n8n is starting up" (HTTP 200) to everything, a login included.
			await waitForWebhook((webhookUrl = `${main.url}/webhook/productbridge-queue`));
			rest = new Rest(main.url);
			await rest.logIn();
			standIn.reset({
				users: [{ user_id: LINKED, email: 'still.here@example.com', name: 'Still Here' }],
			});
			const execution = await executeStep('Get');
			expectGetResult(execution);
			expect(whoRan(execution.id)).toHaveLength(1);
			expect(outputOf(main)).toContain(`Enqueued execution ${execution.id} (job `);
		},
		SCENARIO_TIMEOUT_MS,
	);
});

// ---------------------------------------------------------------- secrets

describe('the API key', () => {
	it('is nowhere in what main and the workers printed, in the user folder, or in what REST sent', async () => {
		expect(restTexts.length).toBeGreaterThan(0);
		for (const text of restTexts) expect(text).not.toContain(API_KEY);
		expect((n8n as N8nInstance).findSecret(API_KEY)).toEqual([]);
		for (const call of standIn.calls) expect(call.keyLocations).toEqual(['body']);
	});
});

// ---------------------------------------------------------------- helpers

/** `PB_QUEUE_LOGS=<folder>`: what main, each worker, Postgres and Redis printed, for a post-mortem. */
function saveLogs(): void {
	const folder = process.env.PB_QUEUE_LOGS;
	if (!folder) return;
	mkdirSync(folder, { recursive: true });
	const logs: Record<string, string> = {
		'postgres.log': postgres?.output() ?? '',
		'redis.log': redis?.output() ?? '',
	};
	for (const { label, server } of everyProcess)
		logs[`n8n-${label}-pid-${server.pid}`.toLowerCase().replace(/[^a-z0-9]+/g, '-') + '.log'] =
			outputOf(server);
	for (const [file, text] of Object.entries(logs))
		writeFileSync(path.join(folder, file), text, 'utf8');
	log(`logs written to ${folder}`);
}

interface Ids {
	all: string[];
	linked: string[];
	unlinked: string[];
	invalid: string[];
}

/**
 * `count` ids for scenario `scenario`: every tenth one not linked to the organization, the last
 * `invalid` ones not UUIDs at all (they fail before any request, on the error output).
 */
function idsFor(scenario: number, count: number, invalid = 0): Ids {
	const ids: Ids = { all: [], linked: [], unlinked: [], invalid: [] };
	const group = String(scenario).padStart(4, '0');
	for (let index = 0; index < count; index++) {
		const serial = String(index).padStart(12, '0');
		if (index >= count - invalid) {
			const id = `R-${scenario}-${index}`;
			ids.invalid.push(id);
			ids.all.push(id);
		} else if (index % 10 === 9) {
			const id = `dead${group}-0000-4000-8000-${serial}`;
			ids.unlinked.push(id);
			ids.all.push(id);
		} else {
			const id = `5eed${group}-0000-4000-8000-${serial}`;
			ids.linked.push(id);
			ids.all.push(id);
		}
	}
	return ids;
}

/** Which of the Delete node's outputs each item left by, checked against what was sent. */
function expectItemsAccountedFor(runData: RunData, ids: Ids, expected: { failed: string[] }): void {
	const run = runData.Delete?.[0];
	expect(run).toBeDefined();
	const success = run?.data?.main?.[0] ?? [];
	const failed = run?.data?.main?.[1] ?? [];
	expect(success.length + failed.length).toBe(ids.all.length);
	const seen = new Set<number>();
	const sentBy = (item: OutputItem): string => {
		const index = pairedIndex(item) as number;
		expect(Number.isInteger(index)).toBe(true);
		expect(seen.has(index)).toBe(false);
		seen.add(index);
		return ids.all[index];
	};
	const linked = new Set(ids.linked);
	for (const item of success) {
		const sent = sentBy(item);
		expect(item.json).toEqual(
			linked.has(sent)
				? deleteItem({ user_id: sent, status: 'deleted' })
				: deleteItem({ user_id: sent, status: 'not_found' }),
		);
	}
	expect(failed.map((item) => sentBy(item)).sort()).toEqual([...expected.failed].sort());
	for (const item of failed)
		expect(item.json.message ?? item.json.error).toEqual(expect.any(String));
	expect(seen.size).toBe(ids.all.length);
}

function deleteCalls() {
	return standIn.calls.filter((call) => call.path === DELETE_PATH);
}

/** Every one of `linked` answered 200 exactly once, and ProductBridge unlinked nobody else. */
function expectDeletedExactlyOnce(linked: string[]): void {
	const successes = new Map<string, number>();
	for (const call of deleteCalls())
		if (call.status === 200)
			successes.set(String(call.userId), (successes.get(String(call.userId)) ?? 0) + 1);
	expect([...successes.values()].filter((count) => count !== 1)).toEqual([]);
	expect([...successes.keys()].sort()).toEqual([...linked].sort());
	expect(standIn.deletedUserIds().sort()).toEqual([...linked].sort());
	expect(standIn.stats().deletions).toBe(linked.length);
}

function expectOk(
	result: { exitCode: number | null; stdout: string; stderr: string },
	what: string,
): void {
	if (result.exitCode !== 0)
		throw new Error(
			`n8n ${what} failed (${result.exitCode}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
		);
}

function outputOf(server: N8nServer): string {
	const { stdout, stderr } = server.output();
	return `${stdout}\n${stderr}`;
}

/** Every execution a worker logged that it started, in order, with the workers that did. */
function startedExecutions(): Map<string, string[]> {
	const started = new Map<string, string[]>();
	for (const [name, worker] of Object.entries(workers)) {
		for (const match of outputOf(worker).matchAll(/Worker started execution (\d+) \(job /g)) {
			started.set(match[1], [...(started.get(match[1]) ?? []), name]);
		}
	}
	return new Map([...started].sort(([a], [b]) => Number(a) - Number(b)));
}

const exitedProcesses = new Set<number>();

/** Every n8n process the suite started, for the logs (`PB_QUEUE_LOGS`). */
const everyProcess: Array<{ label: string; server: N8nServer }> = [];

/** Remembers the process, and when it ends, so that hasExited() can answer at once. */
function watch(server: N8nServer, label: string): N8nServer {
	everyProcess.push({ label, server });
	void server.exited.then(() => exitedProcesses.add(server.pid));
	return server;
}

function hasExited(server: N8nServer): boolean {
	return exitedProcesses.has(server.pid);
}

function countDeletedBy(execution: Execution): number {
	return (execution.runData.Delete?.[0]?.data?.main?.[0] ?? []).filter(
		(item) => item.json.status === 'deleted',
	).length;
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > timeoutMs)
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** The workers that logged "Worker started execution <id> (job …)"; execution ids are never reused. */
function whoRan(executionId: string): string[] {
	return Object.entries(workers)
		.filter(([, worker]) =>
			outputOf(worker).includes(`Worker started execution ${executionId} (job `),
		)
		.map(([name]) => name);
}

interface WebhookAnswer {
	status: number;
	json: JsonObject;
	text: string;
	ms: number;
}

async function callWebhook(body: unknown, timeoutMs = 180_000): Promise<WebhookAnswer> {
	const started = Date.now();
	const response = await fetch(webhookUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/json', [WEBHOOK_HEADER]: WEBHOOK_SECRET },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await response.text();
	let json: JsonObject = {};
	try {
		json = JSON.parse(text) as JsonObject;
	} catch {
		// not JSON: kept in text
	}
	return { status: response.status, json, text, ms: Date.now() - started };
}

// ---------------------------------------------------------------- n8n's REST API, as the editor uses it

interface Execution {
	id: string;
	mode: string;
	status: string;
	finished: boolean;
	runData: RunData;
	error: JsonObject | undefined;
	/** The REST answer as sent, to check that no secret travels in it. */
	raw: string;
}

/** n8n stores and sends execution data in `flatted` form; n8n's own copy reads it. */
function unflatten(text: string): JsonObject {
	const n8nHome = path.resolve(path.dirname((n8n as N8nInstance).n8nBinary), '..', '..');
	const flatted = createRequire(path.join(n8nHome, 'package.json'))('flatted') as {
		parse: (text: string) => JsonObject;
	};
	return flatted.parse(text);
}

/** Everything n8n's REST API answered, across main restarts. */
const restTexts: string[] = [];
const OWNER = {
	email: 'owner@example.com',
	firstName: 'Queue',
	lastName: 'Owner',
	// n8n wants 8+ characters with a digit and an upper-case letter; base64url alone may have no digit.
	password: `Queue-${randomBytes(9).toString('base64url')}-7`,
};

class Rest {
	private cookie = '';
	private readonly browserId = `pb-queue-${randomBytes(6).toString('hex')}`;
	private readonly url: string;

	constructor(url: string) {
		this.url = url;
	}

	async call(
		method: string,
		apiPath: string,
		body?: unknown,
	): Promise<{ status: number; text: string; json: JsonObject }> {
		const response = await fetch(`${this.url}/rest${apiPath}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		const text = await response.text();
		restTexts.push(text);
		const authCookie = response.headers
			.getSetCookie()
			.find((cookie) => cookie.startsWith('n8n-auth='));
		if (authCookie !== undefined) this.cookie = authCookie.split(';')[0];
		let json: JsonObject = {};
		try {
			json = JSON.parse(text) as JsonObject;
		} catch {
			// not JSON
		}
		return { status: response.status, text, json };
	}

	async setUpOwner(): Promise<void> {
		const setup = await this.call('POST', '/owner/setup', OWNER);
		if (setup.status !== 200 || !this.cookie)
			throw new Error(`owner setup: HTTP ${setup.status} ${setup.text.slice(0, 500)}`);
	}

	async logIn(): Promise<void> {
		const login = await this.call('POST', '/login', {
			emailOrLdapLoginId: OWNER.email,
			password: OWNER.password,
		});
		if (login.status !== 200 || !this.cookie)
			throw new Error(`login: HTTP ${login.status} ${login.text.slice(0, 500)}`);
	}

	async execution(id: string): Promise<Execution> {
		const answer = await this.call('GET', `/executions/${id}`);
		if (answer.status !== 200)
			throw new Error(`GET /executions/${id}: HTTP ${answer.status} ${answer.text.slice(0, 500)}`);
		const execution = answer.json.data as JsonObject;
		const data =
			typeof execution.data === 'string'
				? unflatten(execution.data)
				: ((execution.data ?? {}) as JsonObject);
		const resultData = (data.resultData ?? {}) as JsonObject;
		return {
			id: String(execution.id),
			mode: String(execution.mode),
			status: String(execution.status),
			finished: execution.finished === true,
			runData: (resultData.runData ?? {}) as unknown as RunData,
			error: resultData.error as JsonObject | undefined,
			raw: answer.text,
		};
	}

	/** Polls until the execution has ended (any status but new/running/waiting), bounded. */
	async finishedExecution(id: string, timeoutMs = 120_000): Promise<Execution> {
		const started = Date.now();
		for (;;) {
			const answer = await this.call('GET', `/executions/${id}`);
			const status = String((answer.json.data as JsonObject | undefined)?.status ?? '');
			if (answer.status === 200 && !['new', 'running', 'waiting', ''].includes(status))
				return await this.execution(id);
			if (Date.now() - started > timeoutMs)
				throw new Error(`execution ${id} still "${status}" after ${timeoutMs} ms`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
}
