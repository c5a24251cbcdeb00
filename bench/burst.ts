/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * The burst section of `npm run bench` (issue 18): N production-webhook executions with one user
 * each, fired at once at a running n8n (`n8n start`), against the stand-in allowing R requests/s
 * (429 with `Retry-After: 1` beyond), this node and the HTTP Request node at n8n's maximum Retry On
 * Fail side by side in one run. And an API that answers `429` with `Retry-After: 3600` to
 * everything: how long until every item has failed.
 *
 * A user counts as removed when the stand-in unlinked it; every other one failed, whatever n8n
 * answered. Wall time runs from firing the first call to the last answer, on this side.
 */
import { request } from 'node:http';
import { loadavg } from 'node:os';

import { waitForWebhook } from '../tools/n8n.ts';
import type { N8nInstance, N8nServer, WorkflowJson } from '../tools/n8n.ts';
import type { FaultsPatch, StandIn } from '../tools/standin/server.ts';
import { burstWorkflow } from './workflows.ts';
import type { Target } from './workflows.ts';

export const WEBHOOK_HEADER = 'X-Bench-Secret';

export interface BurstTarget {
	id: string;
	label: string;
	target: Target;
}

export interface BurstCase {
	id: string;
	label: string;
	calls: number;
	/** Requests per second the stand-in allows; undefined when every answer is a 429. */
	perSecond?: number;
	faults: FaultsPatch;
	/** How long one call may take before it counts as unanswered. */
	callTimeoutMs: number;
}

export interface BurstMeasurement {
	caseId: string;
	target: string;
	calls: number;
	perSecond?: number;
	/** Users the stand-in did not unlink. */
	failed: number;
	/** Of those, users no request ever named: n8n failed the execution before the node sent anything. */
	neverSent: number;
	wallSeconds: number;
	requests: number;
	rateLimited: number;
	/** Answers other than 200, and calls with no answer at all within the bound. */
	notOk: number;
	unanswered: number;
	/** The most frequent failure texts the callers got, with their counts. */
	failureTexts: Array<{ text: string; count: number }>;
	/** The same calls with no rate limit: n8n's own pace, not a target. */
	baseline?: boolean;
	/** The machine's 1-minute load average when the last answer came (the machine is shared). */
	loadAverage: number;
}

const RATE_LIMITED_BODY = { detail: { error: 'rate limit exceeded' } };

/** Every answer a 429 asking for an hour: "come back later" that no run should sit out. */
const ALWAYS_AN_HOUR: FaultsPatch = {
	statusOverride: [
		{
			path: '/users/delete',
			status: 429,
			body: RATE_LIMITED_BODY,
			headers: { 'retry-after': '3600' },
		},
	],
};

const perSecond = (rate: number): FaultsPatch => ({
	rateLimit: { perSecond: rate, retryAfter: 'seconds' },
});

export const BURST_CASES: BurstCase[] = [
	{
		id: 'n60r3',
		label: '60 calls at once, 3 requests/s',
		calls: 60,
		perSecond: 3,
		faults: perSecond(3),
		callTimeoutMs: 5 * 60_000,
	},
	{
		id: 'n200r4',
		label: '200 calls at once, 4 requests/s',
		calls: 200,
		perSecond: 4,
		faults: perSecond(4),
		callTimeoutMs: 8 * 60_000,
	},
	{
		id: 'n20h',
		label: '20 calls at once, every answer 429 with Retry-After: 3600',
		calls: 20,
		faults: ALWAYS_AN_HOUR,
		callTimeoutMs: 15 * 60_000,
	},
];

export function burstTargets(apiKey: string): BurstTarget[] {
	return [
		{
			id: 'Ours',
			label: 'ProductBridge, default options',
			target: { kind: 'productBridge' },
		},
		{
			id: 'HttpRetry',
			label: 'HTTP Request, key inline, Retry On Fail (5 tries, 5 s apart)',
			target: { kind: 'httpRequest', inlineKey: apiKey, retryOnFail: true },
		},
	];
}

const workflowId = (target: BurstTarget) => `benchBurst${target.id}`;
const webhookPath = (target: BurstTarget) => `bench-burst-${target.id.toLowerCase()}`;

export function burstWorkflows(targets: BurstTarget[], apiUrl: string): WorkflowJson[] {
	return targets.map((t) => burstWorkflow(workflowId(t), webhookPath(t), t.target, apiUrl));
}

export interface BurstRun {
	n8n: N8nInstance;
	standIn: StandIn;
	targets: BurstTarget[];
	cases: BurstCase[];
	secret: string;
	log: (line: string) => void;
}

/**
 * Publishes the burst workflows, starts `n8n start`, waits for their webhooks, warms each up with
 * one call, then runs every case for every target, one after the other.
 */
export async function runBurst(run: BurstRun): Promise<BurstMeasurement[]> {
	const { n8n, standIn, targets, log } = run;
	for (const target of targets) {
		const published = await n8n.run(['publish:workflow', `--id=${workflowId(target)}`]);
		if (published.exitCode !== 0)
			throw new Error(`publish:workflow ${workflowId(target)}: ${published.stderr.slice(-2000)}`);
	}
	log('starting n8n (n8n start) for the burst section');
	const server = await n8n.startServer();
	try {
		const url = (target: BurstTarget) => `${server.url}/webhook/${webhookPath(target)}`;
		for (const target of targets) await waitForWebhook(url(target));
		standIn.reset({ acceptAnyUser: true });
		for (const target of targets)
			await post(url(target), run.secret, userIds('warm', 1)[0], 60_000);
		const measurements: BurstMeasurement[] = [];
		for (const burstCase of run.cases) {
			const [first] = targets;
			if (burstCase.perSecond !== undefined) {
				// How fast this n8n, on this machine at this moment, gets through the calls at all:
				// a wall time near it means the rate limit did not bind.
				log(`burst: n8n's own pace, ${first.label}, ${burstCase.calls} calls, no rate limit`);
				const pace = await fireBurst(url(first), run, { ...burstCase, faults: {} }, first);
				log(`  ${describe(pace)}`);
				measurements.push({ ...pace, target: `${first.label}, no rate limit`, baseline: true });
			}
			for (const target of targets) {
				log(`burst: ${target.label}, ${burstCase.label}`);
				const printedBefore = printedBy(server).length;
				const measurement = await fireBurst(url(target), run, burstCase, target);
				log(`  ${describe(measurement)}`);
				const errors = errorLines(printedBy(server).slice(printedBefore));
				if (errors.length > 0) log(`  n8n printed: ${errors.join(' | ')}`);
				measurements.push(measurement);
			}
		}
		return measurements;
	} finally {
		await server.stop();
	}
}

function printedBy(server: N8nServer): string {
	const { stdout, stderr } = server.output();
	return `${stdout}\n${stderr}`;
}

/** The distinct error lines n8n printed, at most three: why executions failed before the node ran. */
function errorLines(printed: string): string[] {
	const lines = printed.split('\n').filter((line) => /error|problem/i.test(line));
	return [...new Set(lines.map((line) => line.trim().slice(0, 200)))].slice(0, 3);
}

async function fireBurst(
	url: string,
	run: BurstRun,
	burstCase: BurstCase,
	target: BurstTarget,
): Promise<BurstMeasurement> {
	const { standIn } = run;
	standIn.reset({ acceptAnyUser: true, recordCalls: true });
	standIn.configure(burstCase.faults);
	const ids = userIds(`${burstCase.id}${target.id}`, burstCase.calls);
	const started = performance.now();
	const answers = await Promise.all(
		ids.map((id) => post(url, run.secret, id, burstCase.callTimeoutMs)),
	);
	const wallSeconds = (performance.now() - started) / 1000;
	const removed = new Set(standIn.deletedUserIds());
	const named = new Set(standIn.calls.map((call) => call.userId));
	const stats = standIn.stats();
	const notOk = answers.filter((answer) => answer.status !== 200);
	return {
		caseId: burstCase.id,
		target: target.label,
		calls: burstCase.calls,
		perSecond: burstCase.perSecond,
		failed: ids.filter((id) => !removed.has(id)).length,
		neverSent: ids.filter((id) => !named.has(id)).length,
		wallSeconds,
		requests: stats.requests,
		rateLimited: stats.byStatus['429'] ?? 0,
		notOk: notOk.length,
		unanswered: answers.filter((answer) => answer.status === 0).length,
		failureTexts: mostFrequent(answers.map(failureText).filter((text) => text !== undefined)),
		loadAverage: loadavg()[0],
	};
}

/** Distinct, valid, lowercase UUIDs (as the stand-in records them), tagged by what they are for. */
function userIds(tag: string, count: number): string[] {
	const hex = Buffer.from(tag).toString('hex').padEnd(8, '0').slice(0, 8);
	return Array.from(
		{ length: count },
		(_, i) => `${hex}-0000-4000-8000-${String(i).padStart(12, '0')}`,
	);
}

interface Answer {
	/** 0: no answer within the bound, or the connection failed. */
	status: number;
	text: string;
}

/**
 * One webhook call through node:http, which, unlike fetch, puts no time limit of its own on
 * n8n's answer (a run obeying a long Retry-After can take minutes); bounded by `timeoutMs`.
 */
function post(url: string, secret: string, userId: string, timeoutMs: number): Promise<Answer> {
	return new Promise((resolve) => {
		const body = JSON.stringify({ user_id: userId });
		const call = request(url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'content-length': Buffer.byteLength(body),
				[WEBHOOK_HEADER]: secret,
			},
			agent: false,
		});
		const timer = setTimeout(
			() => call.destroy(new Error(`no answer within ${timeoutMs} ms`)),
			timeoutMs,
		);
		call.on('response', (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => {
				clearTimeout(timer);
				resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
			});
		});
		call.on('error', (error) => {
			clearTimeout(timer);
			resolve({ status: 0, text: error.message });
		});
		call.end(body);
	});
}

/** What the caller was told when its user was not removed: the node's error item, or n8n's answer. */
function failureText(answer: Answer): string | undefined {
	let json: Record<string, unknown> = {};
	try {
		json = JSON.parse(answer.text) as Record<string, unknown>;
	} catch {
		// not JSON: the text itself
	}
	if (answer.status === 200 && json.error === undefined) return undefined;
	const text = String(json.error ?? json.message ?? answer.text);
	return `${answer.status === 200 ? '' : `HTTP ${answer.status}: `}${text}`.slice(0, 160);
}

function mostFrequent(texts: string[]): Array<{ text: string; count: number }> {
	const counts = new Map<string, number>();
	for (const text of texts) counts.set(text, (counts.get(text) ?? 0) + 1);
	return [...counts]
		.map(([text, count]) => ({ text, count }))
		.sort((a, b) => b.count - a.count)
		.slice(0, 2);
}

function describe(m: BurstMeasurement): string {
	const texts = m.failureTexts.map((f) => `${f.count}× "${f.text}"`).join('; ');
	return `${m.failed} of ${m.calls} failed (${m.neverSent} never sent), ${m.wallSeconds.toFixed(1)} s, ${m.requests} requests, ${m.rateLimited} 429s, ${m.notOk} answers not 200 (${m.unanswered} unanswered)${texts ? `: ${texts}` : ''}`;
}

const target = (ok: boolean) => (ok ? 'met' : '**missed**');

/** The section of docs/benchmarks.md: one table per case, the issue's targets judged for this node. */
export function burstSection(measurements: BurstMeasurement[], cases: BurstCase[]): string[] {
	const lines = [
		'## 7. Bursts of one-user webhook executions',
		'',
		"Many executions side by side in one n8n process (`n8n start`, SQLite, n8n's defaults), each",
		'from one call to a production webhook with one user, all fired at once, sharing one API key.',
		'"Failed" counts users the stand-in did not remove ("never sent": no request named the user, n8n',
		'failed the execution before the node ran); wall time runs from the first call to the',
		'last answer. This node continues on error so its failure text reaches the caller; the HTTP',
		"Request node keeps n8n's default On Error, without which its Retry On Fail never fires.",
		'On this 2-core machine n8n runs about 5 such executions a second, so R stays below that;',
		'the stand-in answers at once (no latency) and its bucket holds R tokens.',
		'',
	];
	for (const burstCase of cases) {
		const rows = measurements.filter((m) => m.caseId === burstCase.id);
		const targets = rows.filter((m) => m.baseline !== true);
		if (targets.length === 0) continue;
		const pace = rows.find((m) => m.baseline === true);
		lines.push(...burstCaseLines(burstCase, targets, pace), '');
	}
	return lines;
}

function burstCaseLines(
	burstCase: BurstCase,
	targets: BurstMeasurement[],
	pace: BurstMeasurement | undefined,
): string[] {
	const rows = pace === undefined ? targets : [...targets, pace];
	const floor =
		burstCase.perSecond === undefined ? undefined : burstCase.calls / burstCase.perSecond;
	const ratio = (m: BurstMeasurement) =>
		floor === undefined ? '–' : `${(m.wallSeconds / floor).toFixed(2)}×`;
	const lines = [
		`### ${burstCase.label}`,
		'',
		floor === undefined
			? '| node | failed (user not removed) | time until the last answer (s) | requests | 429s | what the callers were told |'
			: '| node | failed (user not removed) | wall time (s) | × N/R | requests | 429s | what the callers were told |',
		floor === undefined ? '|---|---:|---:|---:|---:|---|' : '|---|---:|---:|---:|---:|---:|---|',
		...rows
			.map((m) =>
				[
					m.target,
					`${m.failed} of ${m.calls}${m.neverSent > 0 ? ` (${m.neverSent} never sent)` : ''}`,
					m.wallSeconds.toFixed(1),
					...(floor === undefined ? [] : [ratio(m)]),
					m.requests,
					m.rateLimited,
					m.failureTexts.map((f) => `${f.count}× ${f.text.replace(/\|/g, '\\|')}`).join('; ') ||
						'–',
				].join(' | '),
			)
			.map((row) => `| ${row} |`),
		'',
	];
	const ours = targets[0];
	if (pace !== undefined)
		lines.push(
			`- n8n's own pace in this run: the same ${pace.calls} calls with no rate limit took ${pace.wallSeconds.toFixed(1)} s, ${(pace.calls / pace.wallSeconds).toFixed(1)} executions/s; where that is near N/R the limit hardly binds. Load average (1 min, shared 2-core machine) at the end of each row: ${rows.map((m) => m.loadAverage.toFixed(1)).join(', ')}.`,
		);
	if (floor !== undefined) {
		lines.push(
			`- N/R = ${floor.toFixed(1)} s. Targets for this node (issue 18): 0 failed (${target(ours.failed === 0)}), wall time ≤ 1.25 × N/R = ${(1.25 * floor).toFixed(1)} s with none failed (${target(ours.failed === 0 && ours.wallSeconds <= 1.25 * floor)}; failing early is not fast), 429s ≤ N/4 = ${burstCase.calls / 4} (${target(ours.rateLimited <= burstCase.calls / 4)}).`,
		);
	} else {
		lines.push(
			`- Target for this node (issue 18): every item fails within seconds, saying how long the server asked for and which option to change: ${ours.failed === ours.calls ? `all failed after ${ours.wallSeconds.toFixed(1)} s` : `${ours.failed} of ${ours.calls} failed`} (${target(ours.failed === ours.calls && ours.wallSeconds <= 10)}, judged on time as ≤ 10 s; the message is in the table).`,
		);
	}
	return lines;
}
