/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * `npm run bench`: this node against n8n's HTTP Request node inside one real n8n (the pinned
 * version the end-to-end suite installs), side by side in one run, against the local ProductBridge
 * stand-in. Prints the table as ratios and writes it to docs/benchmarks.md.
 *
 * Timing is n8n's own `executionTime` of the node under test (n8n's start-up is not counted);
 * in-flight is what the stand-in saw; memory is the n8n process's peak resident set (VmHWM).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { parseExecution, prepareN8n, REPO_ROOT } from '../tools/n8n.ts';
import type { N8nInstance, NodeRun, OutputItem } from '../tools/n8n.ts';
import { startStandIn } from '../tools/standin/server.ts';
import type { FaultsPatch, StandIn } from '../tools/standin/server.ts';
import { SAMPLES_FILE_VARIABLE } from './loop-sampler.ts';
import type { LoopSamples } from './loop-sampler.ts';
import {
	BURST_CASES,
	burstSection,
	burstTargets,
	burstWorkflows,
	runBurst,
	WEBHOOK_HEADER,
} from './burst.ts';
import type { BurstMeasurement } from './burst.ts';
import { CREDENTIAL, deletionWorkflow, NODE_UNDER_TEST, WEBHOOK_CREDENTIAL } from './workflows.ts';
import type { Target } from './workflows.ts';

// A fresh key of the real shape (pb_ + 43 URL-safe characters) for every run.
const API_KEY = `pb_${randomBytes(32).toString('base64url').slice(0, 43)}`;
const WEBHOOK_SECRET = `bench-${randomBytes(12).toString('hex')}`;
const RUN_TIMEOUT_MS = 15 * 60_000;
const LOOP_SAMPLER = path.join(REPO_ROOT, 'bench', 'loop-sampler.ts');

interface Case {
	id: string;
	label: string;
	count: number;
	target: Target;
	faults?: FaultsPatch;
	/** Extra flags for the Node.js that runs n8n, e.g. a smaller heap. */
	nodeFlags?: string[];
}

interface Measurement {
	label: string;
	count: number;
	nodeSeconds: number;
	failed: number;
	ambiguous: number;
	/** Items with `verified: true` (Verify Removal). */
	verified: number;
	requests: number;
	rateLimited: number;
	maxInFlight: number;
	peakRssMb: number;
	/** n8n's process during the node's run, from bench/loop-sampler.ts. */
	loop: LoopFigures;
}

interface LoopFigures {
	/** Event-loop utilisation: the share of wall time the loop was busy, 0–1. */
	elu: number;
	/** CPU time of the whole process (all threads) per wall second. */
	cpuCores: number;
	/** The share of the process's life spent taking the samples (wall time, so preemption counts). */
	samplingShare: number;
}

const LATENCY_MS = 25;
const JITTER_MS = 15;
const HEAP_CAP_MB = 320;
const RATE = 100;
const ours = (concurrency?: number, maxRetries?: number, verifyRemoval?: boolean): Target => ({
	kind: 'productBridge',
	concurrency,
	maxRetries,
	verifyRemoval,
});
const httpInline: Target = { kind: 'httpRequest', inlineKey: API_KEY };
const httpCredential: Target = { kind: 'httpRequest' };
const latency = { latencyMs: LATENCY_MS };
const jittered = { latencyMs: LATENCY_MS, latencyJitterMs: JITTER_MS };
const rateLimitedAndFaulty: FaultsPatch = {
	rateLimit: { perSecond: RATE, retryAfter: 'seconds' },
	errorRate503: 0.05,
	resetRate: 0.02,
	// A reset after the deletion happened: the hardest case, the retry then finds the user gone.
	resetAfterActing: true,
};

const HTTP_INLINE = 'HTTP Request, key inline in the body (fastest)';
const HTTP_CREDENTIAL = "HTTP Request, this package's credential";

const CASES = {
	speed: [
		{
			id: 'benchDefault',
			label: 'ProductBridge, default options (adaptive, cap 32)',
			count: 1000,
			target: ours(),
			faults: latency,
		},
		{
			id: 'benchC8',
			label: 'ProductBridge, Concurrency 8 (the old default)',
			count: 1000,
			target: ours(8),
			faults: latency,
		},
		{
			id: 'benchC32',
			label: 'ProductBridge, Concurrency 32 set explicitly',
			count: 1000,
			target: ours(32),
			faults: latency,
		},
		{ id: 'benchHttpInline', label: HTTP_INLINE, count: 1000, target: httpInline, faults: latency },
		{
			id: 'benchHttp',
			label: HTTP_CREDENTIAL,
			count: 1000,
			target: httpCredential,
			faults: latency,
		},
	],
	jittered: [
		{
			id: 'benchJitDefault',
			label: 'ProductBridge, default options',
			count: 1000,
			target: ours(),
			faults: jittered,
		},
		{
			id: 'benchJitC32',
			label: 'ProductBridge, Concurrency 32 set explicitly',
			count: 1000,
			target: ours(32),
			faults: jittered,
		},
		{
			id: 'benchJitHttpInline',
			label: HTTP_INLINE,
			count: 1000,
			target: httpInline,
			faults: jittered,
		},
		{
			id: 'benchJitHttp',
			label: HTTP_CREDENTIAL,
			count: 1000,
			target: httpCredential,
			faults: jittered,
		},
	],
	perItem: [
		{ id: 'benchCostOurs', label: 'ProductBridge (default options)', count: 5000, target: ours() },
		{ id: 'benchCostHttpInline', label: HTTP_INLINE, count: 5000, target: httpInline },
		{ id: 'benchCostHttp', label: HTTP_CREDENTIAL, count: 5000, target: httpCredential },
	],
	rateLimit: [
		{
			id: 'benchRateDefault',
			label: 'ProductBridge, default options',
			count: 1000,
			target: ours(),
			faults: rateLimitedAndFaulty,
		},
		{
			id: 'benchRate8',
			label: 'ProductBridge, Concurrency 8',
			count: 1000,
			target: ours(8),
			faults: rateLimitedAndFaulty,
		},
		{
			id: 'benchRate32',
			label: 'ProductBridge, Concurrency 32 set explicitly',
			count: 1000,
			target: ours(32),
			faults: rateLimitedAndFaulty,
		},
		{
			id: 'benchRateHttpLoop32',
			label: `${HTTP_INLINE}, 32 at a time (Loop Over Items): fixed concurrency 32, no pacing, no retries`,
			count: 1000,
			target: { ...httpInline, loopBatch: 32 },
			faults: rateLimitedAndFaulty,
		},
		{
			id: 'benchRateHttp',
			label: `${HTTP_INLINE}, Retry On Fail (5 tries, 5 s)`,
			count: 1000,
			target: { ...httpInline, retryOnFail: true },
			faults: rateLimitedAndFaulty,
		},
	],
	verify: [
		{
			id: 'benchVerifyOff',
			label: 'ProductBridge, default options',
			count: 1000,
			target: ours(),
			faults: latency,
		},
		{
			id: 'benchVerifyOn',
			label: 'ProductBridge, default options + Verify Removal',
			count: 1000,
			target: ours(undefined, undefined, true),
			faults: latency,
		},
	],
	memory: [
		{
			id: 'benchMemNoOp5k',
			label: 'No Operation node (n8n baseline)',
			count: 5000,
			target: { kind: 'noOp' },
		},
		{
			id: 'benchMemNoOp20k',
			label: 'No Operation node (n8n baseline)',
			count: 20000,
			target: { kind: 'noOp' },
		},
		{ id: 'benchMemOurs5k', label: 'ProductBridge (default options)', count: 5000, target: ours() },
		{
			id: 'benchMemOurs20k',
			label: 'ProductBridge (default options)',
			count: 20000,
			target: ours(),
		},
		// V8 grows the heap with the allocation rate, so peak RSS above mostly measures garbage not
		// yet collected. With old space capped, what stays is what the run really keeps alive.
		{
			id: 'benchMemNoOp20kCapped',
			label: `No Operation node, heap capped at ${HEAP_CAP_MB} MB`,
			count: 20000,
			target: { kind: 'noOp' },
			nodeFlags: [`--max-old-space-size=${HEAP_CAP_MB}`],
		},
		{
			id: 'benchMemOurs20kCapped',
			label: `ProductBridge, heap capped at ${HEAP_CAP_MB} MB`,
			count: 20000,
			target: ours(),
			nodeFlags: [`--max-old-space-size=${HEAP_CAP_MB}`],
		},
	],
} satisfies Record<string, Case[]>;

async function main(): Promise<void> {
	const started = Date.now();
	const log = (line: string) =>
		process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`);
	const standIn = await startStandIn({
		apiKey: API_KEY,
		acceptAnyUser: true,
		recordCalls: false,
		seed: 42,
	});
	const n8n = await prepareN8n({ log });
	try {
		await n8n.importCredential([
			{ ...CREDENTIAL, type: 'productBridgeApi', data: { apiKey: API_KEY, baseUrl: standIn.url } },
			{
				...WEBHOOK_CREDENTIAL,
				type: 'httpHeaderAuth',
				data: { name: WEBHOOK_HEADER, value: WEBHOOK_SECRET },
			},
		]);
		const only = onlyGroups();
		const all = Object.values(CASES).flat();
		const targets = burstTargets(API_KEY);
		await n8n.importWorkflow([
			...all.map((c) => deletionWorkflow(c.id, c.count, c.target, standIn.apiBaseUrl)),
			...burstWorkflows(targets, standIn.apiBaseUrl),
		]);
		const runsBurst = only === undefined || only.includes('burst');
		const burstCases = selectedBurstCases();
		if (only === undefined || only.some((group) => group !== 'burst')) {
			// The first execution of a fresh n8n pays for cold caches and JIT; no row should pay it.
			log('warm-up run (not measured)');
			await measure(n8n, standIn, CASES.speed[0]);
		}

		const groups = (Object.keys(CASES) as Group[]).filter(
			(group) => only === undefined || only.includes(group),
		);
		const rounds: Results[] = [];
		// Interleaved: every row once per round, so that a slow patch of the shared machine
		// falls on all rows of a round alike instead of on one row's repeats.
		for (let round = 1; round <= roundCount(); round++) {
			if (roundCount() > 1) log(`round ${round} of ${roundCount()}`);
			rounds.push(await measureRound(n8n, standIn, groups, log));
		}
		// Last, and alone: it runs `n8n start` on the database the rows' `n8n execute` runs use.
		const burst = runsBurst
			? await runBurst({ n8n, standIn, targets, cases: burstCases, secret: WEBHOOK_SECRET, log })
			: [];
		// A partial run is for trying an idea out: its rows are printed, the report is left alone.
		if (only !== undefined) {
			const partial = [
				...headlineLines(rounds, groups),
				...(runsBurst ? burstSection(burst, burstCases) : []),
			];
			process.stdout.write(`${partial.join('\n')}\n`);
			return;
		}
		const report = render(rounds, burst, n8n);
		process.stdout.write(`${report}\n`);
		writeFileSync(path.join(REPO_ROOT, 'docs', 'benchmarks.md'), report);
		log('written to docs/benchmarks.md');
	} finally {
		await n8n.cleanup();
		await standIn.close();
	}
}

async function measureRound(
	n8n: N8nInstance,
	standIn: StandIn,
	groups: Group[],
	log: (line: string) => void,
): Promise<Results> {
	const results: Results = {
		speed: [],
		jittered: [],
		perItem: [],
		rateLimit: [],
		verify: [],
		memory: [],
	};
	for (const group of groups) {
		for (const benchCase of CASES[group]) {
			log(`${benchCase.label}, ${benchCase.count} items`);
			const measurement = await measure(n8n, standIn, benchCase);
			log(
				`  ${measurement.nodeSeconds.toFixed(2)} s, ${measurement.failed} failed, ${measurement.verified} verified, ${measurement.requests} requests, ${measurement.rateLimited} 429s, ${measurement.maxInFlight} in flight, ${measurement.peakRssMb} MB, loop utilisation ${fixed(measurement.loop.elu)}, ${fixed(measurement.loop.cpuCores)} cores (sampling ${fixed(100 * measurement.loop.samplingShare, 2)}% of the process's time)`,
			);
			results[group].push(measurement);
		}
	}
	return results;
}

/**
 * `npm run bench -- --rounds 3` (or `PB_BENCH_ROUNDS=3`): every row that many times, interleaved;
 * headline ratios are then the median of the rounds' ratios, with their range. Default 1.
 */
function roundCount(): number {
	const at = process.argv.indexOf('--rounds');
	const asked = at === -1 ? process.env.PB_BENCH_ROUNDS : process.argv[at + 1];
	const rounds = Number(asked ?? 1);
	if (!Number.isInteger(rounds) || rounds < 1)
		throw new Error(`--rounds must be a whole number ≥ 1, not ${asked}`);
	return rounds;
}

/**
 * `npm run bench -- --burst-cases n60r3,n20h`: only these cases of the burst section (see
 * BURST_CASES in bench/burst.ts); all of them by default.
 */
function selectedBurstCases(): typeof BURST_CASES {
	const at = process.argv.indexOf('--burst-cases');
	if (at === -1) return BURST_CASES;
	const ids = (process.argv[at + 1] ?? '').split(',');
	const unknown = ids.filter((id) => !BURST_CASES.some((c) => c.id === id));
	if (unknown.length > 0)
		throw new Error(
			`unknown burst case ${unknown.join(', ')}; known: ${BURST_CASES.map((c) => c.id).join(', ')}`,
		);
	return BURST_CASES.filter((c) => ids.includes(c.id));
}

/** `npm run bench -- --only speed,rateLimit` (or `--only burst`): just these groups, nothing written. */
function onlyGroups(): string[] | undefined {
	const at = process.argv.indexOf('--only');
	return at === -1 ? undefined : (process.argv[at + 1] ?? '').split(',');
}

async function measure(n8n: N8nInstance, standIn: StandIn, benchCase: Case): Promise<Measurement> {
	standIn.reset({ acceptAnyUser: true });
	standIn.configure(benchCase.faults ?? {});
	const run = await executeSampled(n8n, benchCase.id, benchCase.nodeFlags ?? []);
	const execution = parseExecution(run.stdout);
	const span = nodeSpan(execution?.data.resultData.runData[NODE_UNDER_TEST] ?? []);
	const stats = standIn.stats();
	const peakRssMb = Math.round(run.peakRssKb / 1024);
	if (span === undefined) {
		// A row that did not finish is a result too (e.g. a capped heap): shown, not hidden by a crash.
		process.stderr.write(
			`${benchCase.id}: n8n exited ${run.exitCode} without running the node:\n${run.stderrTail}\n`,
		);
		const { count, label } = benchCase;
		return {
			label: `${label} (n8n exited ${run.exitCode} without finishing)`,
			count,
			nodeSeconds: Number.NaN,
			failed: count,
			ambiguous: 0,
			verified: 0,
			requests: stats.requests,
			rateLimited: 0,
			maxInFlight: stats.maxInFlight,
			peakRssMb,
			loop: NO_LOOP_FIGURES,
		};
	}
	const { start, end, items } = span;
	return {
		label: benchCase.label,
		count: benchCase.count,
		nodeSeconds: (end - start) / 1000,
		failed: benchCase.count - items.filter((item) => !('error' in item.json)).length,
		ambiguous: items.filter((item) => item.json.status === 'deleted_or_not_found').length,
		verified: items.filter((item) => item.json.verified === true).length,
		requests: stats.requests,
		rateLimited: stats.byStatus['429'] ?? 0,
		maxInFlight: stats.maxInFlight,
		peakRssMb,
		loop: loopFigures(run.loop, start, end),
	};
}

/**
 * The node under test's runs: one, or one per batch behind Loop Over Items. From the first run's
 * start to the last run's end (for one run, n8n's `executionTime`), and every item they output.
 */
function nodeSpan(
	runs: NodeRun[],
): { start: number; end: number; items: OutputItem[] } | undefined {
	const first = runs[0];
	const last = runs.at(-1);
	if (first?.startTime === undefined || last?.startTime === undefined) return undefined;
	if (last.executionTime === undefined) return undefined;
	const items = runs.flatMap((run) => (run.data?.main?.[0] ?? []) as OutputItem[]);
	return { start: first.startTime, end: last.startTime + last.executionTime, items };
}

const NO_LOOP_FIGURES: LoopFigures = { elu: Number.NaN, cpuCores: Number.NaN, samplingShare: 0 };

/**
 * Event-loop utilisation and CPU of n8n's process between the first and the last sample inside
 * [start, end] (the node's run; samples are SAMPLE_MS apart, so the edges are within that).
 */
function loopFigures(recorded: LoopSamples | undefined, start: number, end: number): LoopFigures {
	const inside = (recorded?.samples ?? []).filter((s) => s.at >= start && s.at <= end);
	const first = inside[0];
	const last = inside.at(-1);
	if (recorded === undefined || first === undefined || last === undefined || last === first) {
		return NO_LOOP_FIGURES;
	}
	const active = last.active - first.active;
	const idle = last.idle - first.idle;
	return {
		elu: active / (active + idle),
		cpuCores: (last.cpuUs - first.cpuUs) / 1000 / (last.at - first.at),
		samplingShare: samplingShare(recorded),
	};
}

function samplingShare({ samples, samplingUs }: LoopSamples): number {
	const life = (samples.at(-1)?.at ?? 0) - (samples[0]?.at ?? 0);
	return life > 0 ? samplingUs / 1000 / life : 0;
}

interface ExecutedRun {
	stdout: string;
	stderrTail: string;
	peakRssKb: number;
	exitCode: number | null;
	/** What bench/loop-sampler.ts recorded inside n8n's process; undefined if it wrote nothing. */
	loop: LoopSamples | undefined;
}

/**
 * `n8n execute`, sampling the process's peak resident memory (VmHWM) from outside while it runs
 * and its event loop from inside (bench/loop-sampler.ts, preloaded through NODE_OPTIONS).
 */
async function executeSampled(
	n8n: N8nInstance,
	workflowId: string,
	nodeFlags: string[],
): Promise<ExecutedRun> {
	const samplesFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'pb-bench-loop-')), 'samples');
	const args = [...nodeFlags, n8n.n8nBinary, 'execute', `--id=${workflowId}`, '--rawOutput'];
	const child = spawn(n8n.nodeBinary, args, {
		cwd: n8n.workDir,
		env: {
			...n8n.env,
			NODE_OPTIONS: `--import=${pathToFileURL(LOOP_SAMPLER).href}`,
			[SAMPLES_FILE_VARIABLE]: samplesFile,
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const chunks: Buffer[] = [];
	child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
	let stderrTail = '';
	child.stderr.on(
		'data',
		(chunk: Buffer) => (stderrTail = (stderrTail + chunk.toString('utf8')).slice(-2000)),
	);
	const peakRss = samplePeakRss(child.pid);
	const killer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
	const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
	clearTimeout(killer);
	const stdout = Buffer.concat(chunks).toString('utf8');
	return { stdout, stderrTail, peakRssKb: peakRss.stop(), exitCode, loop: readLoop(samplesFile) };
}

/** Polls /proc/<pid>/status for VmHWM every 100 ms; `stop` ends polling and gives the peak, kB. */
function samplePeakRss(pid: number | undefined): { stop: () => number } {
	let peakRssKb = 0;
	const sample = () => {
		try {
			const status = readFileSync(`/proc/${pid}/status`, 'utf8');
			peakRssKb = Math.max(peakRssKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
		} catch {
			// the process has just exited; the last sample stands
		}
	};
	const sampler = setInterval(sample, 100);
	return {
		stop: () => {
			clearInterval(sampler);
			return peakRssKb;
		},
	};
}

function readLoop(samplesFile: string): LoopSamples | undefined {
	try {
		return JSON.parse(readFileSync(samplesFile, 'utf8')) as LoopSamples;
	} catch {
		return undefined; // killed, or crashed before exit handlers ran
	} finally {
		rmSync(path.dirname(samplesFile), { recursive: true, force: true });
	}
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);
const times = (value: number) => `${value.toFixed(2)}×`;
const target = (ok: boolean) => (ok ? 'met' : '**missed**');
const perItemMs = (m: Measurement) => (m.nodeSeconds * 1000) / m.count;
const fastest = (a: Measurement, b: Measurement) => (a.nodeSeconds <= b.nodeSeconds ? a : b);
const rateFloor = 1000 / RATE;

type Group = keyof typeof CASES;
type Results = Record<Group, Measurement[]>;

interface Headline {
	group: Group;
	name: string;
	value: (results: Results) => number;
	/** How the value is written: a ratio (1.23×) or milliseconds. */
	unit: 'ratio' | 'ms';
}

/** The headline figures, each computed within one round, so that every ratio compares rows run side by side. */
const HEADLINES = {
	defaultOverC32: {
		group: 'speed',
		name: 'Default options / Concurrency 32 (25 ms)',
		value: (r) => r.speed[0].nodeSeconds / r.speed[2].nodeSeconds,
		unit: 'ratio',
	},
	defaultOverC8: {
		group: 'speed',
		name: 'Default options / the old default, 8 (25 ms)',
		value: (r) => r.speed[0].nodeSeconds / r.speed[1].nodeSeconds,
		unit: 'ratio',
	},
	httpOverDefault: {
		group: 'speed',
		name: 'Fastest HTTP Request / default options (25 ms): how much faster',
		value: (r) => fastest(r.speed[3], r.speed[4]).nodeSeconds / r.speed[0].nodeSeconds,
		unit: 'ratio',
	},
	jitHttpOverDefault: {
		group: 'jittered',
		name: 'Fastest HTTP Request / default options (25 ± 15 ms): how much faster',
		value: (r) => fastest(r.jittered[2], r.jittered[3]).nodeSeconds / r.jittered[0].nodeSeconds,
		unit: 'ratio',
	},
	perItemMs: {
		group: 'perItem',
		name: 'ProductBridge per item, 0 ms',
		value: (r) => perItemMs(r.perItem[0]),
		unit: 'ms',
	},
	rateOverFloor: {
		group: 'rateLimit',
		name: 'Rate-limited 1,000, default options / N ÷ rate',
		value: (r) => r.rateLimit[0].nodeSeconds / rateFloor,
		unit: 'ratio',
	},
	memoryOverBaseline: {
		group: 'memory',
		name: 'Peak memory at 20,000 items, ProductBridge / n8n baseline',
		value: (r) => r.memory[3].peakRssMb / r.memory[1].peakRssMb,
		unit: 'ratio',
	},
} satisfies Record<string, Headline>;

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const medianOf = (rounds: Results[], headline: Headline) => median(rounds.map(headline.value));

/** `**1.23×**`, and with several rounds `**1.23×** (median of 3 interleaved runs; range 1.10–1.40×)`. */
function headline(rounds: Results[], figure: Headline): string {
	const values = rounds.map(figure.value).sort((a, b) => a - b);
	const write = (value: number) => (figure.unit === 'ms' ? `${fixed(value, 3)} ms` : times(value));
	const bold = `**${write(median(values))}**`;
	if (values.length === 1) return bold;
	const low = figure.unit === 'ms' ? fixed(values[0], 3) : fixed(values[0]);
	return `${bold} (median of ${values.length} interleaved runs; range ${low}–${write(values[values.length - 1])})`;
}

/** The headline figures of the groups that ran; the list a partial run prints. */
function headlineLines(rounds: Results[], groups: Group[]): string[] {
	const shown = Object.values(HEADLINES as Record<string, Headline>).filter((h) =>
		groups.includes(h.group),
	);
	if (shown.length === 0) return [];
	return [
		`## Headline figures (${rounds.length === 1 ? 'one run' : `median of ${rounds.length} interleaved runs, with the range`})`,
		'',
		...shown.map((h) => `- ${h.name}: ${headline(rounds, h)}`),
		'',
	];
}

/** Per row, the round whose time for it is the median: the tables show a typical run of each row. */
function medianRows(rounds: Results[]): Results {
	const pick = (group: Group, index: number): Measurement => {
		// A round whose run did not finish (NaN) counts as the slowest: the median is a finished run
		// whenever most rounds finished.
		const seconds = (m: Measurement) => (Number.isNaN(m.nodeSeconds) ? Infinity : m.nodeSeconds);
		const runs = rounds.map((r) => r[group][index]).sort((a, b) => seconds(a) - seconds(b));
		return runs[Math.floor((runs.length - 1) / 2)];
	};
	const rows = (group: Group) => rounds[0][group].map((_, index) => pick(group, index));
	return {
		speed: rows('speed'),
		jittered: rows('jittered'),
		perItem: rows('perItem'),
		rateLimit: rows('rateLimit'),
		verify: rows('verify'),
		memory: rows('memory'),
	};
}

/** The wave model: n8n's core spends `cpuMs` per request, and each of N/c waves waits one round trip. */
const predicted = (cpuMs: number, concurrency: number) =>
	(1000 * cpuMs + (1000 / concurrency) * LATENCY_MS) / 1000;
/** The same two costs fully overlapped: the best any spreading of request starts can do. */
const overlapped = (cpuMs: number, concurrency: number) =>
	Math.max(1000 * cpuMs, (1000 / concurrency) * LATENCY_MS) / 1000;

function render(rounds: Results[], burst: BurstMeasurement[], n8n: N8nInstance): string {
	const results = medianRows(rounds);
	return [
		...header(n8n, rounds.length),
		...headlineLines(rounds, Object.keys(CASES) as Group[]),
		...speedSection(results, rounds),
		...jitteredSection(results, rounds),
		...perItemSection(results, rounds),
		...waveSection(results),
		...rateSection(results, rounds),
		...memorySection(results, rounds),
		...verifySection(results),
		...burstSection(burst, BURST_CASES),
	].join('\n');
}

function header(n8n: N8nInstance, roundCount: number): string[] {
	const rounds =
		roundCount === 1
			? 'every row below comes from one run'
			: `every row was run ${roundCount} times, interleaved (each round runs every row once); the tables show each row's median run, and each headline ratio is the median of the ${roundCount} rounds' ratios (each computed within one round), with its range`;
	return [
		'# Benchmarks',
		'',
		`Produced by \`npm run bench${roundCount === 1 ? '' : ` -- --rounds ${roundCount}`}\`: ${rounds}, side by side, in one real`,
		`n8n ${n8n.version} against the local ProductBridge stand-in on 127.0.0.1. Times are n8n's own`,
		'`executionTime` of the node under test; "in flight" is the most concurrent requests the stand-in',
		"saw; memory is the n8n process's peak resident set (VmHWM). Ratios matter, not absolute",
		'times: the machine is shared, and absolute numbers move between runs.',
		'',
		`- Date: ${new Date().toISOString()}`,
		`- Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`,
		`- Node.js ${process.version}, n8n ${n8n.version}, n8n-nodes-productbridge ${n8n.packageVersion}`,
		'',
		'The HTTP Request node is measured both ways people set it up: with the API key pasted into',
		"the body (no credential to load: the fastest) and with this package's credential. Every",
		'headline ratio is against the faster of the two.',
		'',
	];
}

function speedSection(results: Results, rounds: Results[]): string[] {
	const [byDefault, c8, c32, inline, credential] = results.speed;
	const fastHttp = fastest(inline, credential);
	const cpuMs = perItemMs(results.perItem[0]);
	return [
		`## 1. 1,000 deletions, ${LATENCY_MS} ms latency`,
		'',
		speedTable([byDefault, c8, c32, inline, credential]),
		'',
		`- Default options / Concurrency 32: ${headline(rounds, HEADLINES.defaultOverC32)} (target ≤ 1.10×: ${target(medianOf(rounds, HEADLINES.defaultOverC32) <= 1.1)}).`,
		`- Default options / the old default (8): ${headline(rounds, HEADLINES.defaultOverC8)} (target ≤ 0.50×: ${target(medianOf(rounds, HEADLINES.defaultOverC8) <= 0.5)}).`,
		`- Fastest HTTP Request (${fastHttp.label}) / default options: ${headline(rounds, HEADLINES.httpOverDefault)} faster (target ≥ 1.50×: ${target(medianOf(rounds, HEADLINES.httpOverDefault) >= 1.5)}); with the credential: ${times(credential.nodeSeconds / byDefault.nodeSeconds)}. Bound: ${times(fastHttp.nodeSeconds / overlapped(cpuMs, 32))} if n8n's core never idled (section 3's wave model).`,
		'',
	];
}

function jitteredSection(results: Results, rounds: Results[]): string[] {
	const [jitDefault, jitC32, jitInline, jitCredential] = results.jittered;
	const fastJitHttp = fastest(jitInline, jitCredential);
	return [
		`## 2. 1,000 deletions, ${LATENCY_MS} ± ${JITTER_MS} ms latency (uniform)`,
		'',
		speedTable([jitDefault, jitC32, jitInline, jitCredential]),
		'',
		`- Fastest HTTP Request (${fastJitHttp.label}) / default options: ${headline(rounds, HEADLINES.jitHttpOverDefault)} faster (target ≥ 1.50×: ${target(medianOf(rounds, HEADLINES.jitHttpOverDefault) >= 1.5)}); with the credential: ${times(jitCredential.nodeSeconds / jitDefault.nodeSeconds)}.`,
		`- Default options / Concurrency 32: ${times(jitDefault.nodeSeconds / jitC32.nodeSeconds)}.`,
		'',
	];
}

function perItemSection(results: Results, rounds: Results[]): string[] {
	const [costOurs, costInline, costCredential] = results.perItem;
	const cpuMs = perItemMs(costOurs);
	return [
		'## 3. Cost per item, 5,000 deletions, 0 ms latency',
		'',
		'| node | time (s) | per item (ms) |',
		'|---|---:|---:|',
		...results.perItem.map(
			(m) => `| ${m.label} | ${fixed(m.nodeSeconds)} | ${fixed(perItemMs(m), 3)} |`,
		),
		'',
		`- ProductBridge per item: ${headline(rounds, HEADLINES.perItemMs)} (target ≤ 0.90 ms: ${target(medianOf(rounds, HEADLINES.perItemMs) <= 0.9)}); against the HTTP Request node with the key inline ${times(cpuMs / perItemMs(costInline))}, with the credential ${times(cpuMs / perItemMs(costCredential))}.`,
		`- Marginal per item, from section 5's ProductBridge runs of 5,000 and 20,000 items (same node, default options, 0 ms, each a fresh \`n8n execute\`): (t(20,000) − t(5,000)) ÷ 15,000 = ${fixed(marginalMs(results), 3)} ms. The difference leaves out what every run pays once (JIT warm-up, the first connections); the target is judged on the 5,000-item figure above, and this one is context.`,
		'',
	];
}

/** Per-item cost between the 5,000- and 20,000-item ProductBridge runs of the memory group. */
function marginalMs(results: Results): number {
	const [, , ours5k, ours20k] = results.memory;
	return ((ours20k.nodeSeconds - ours5k.nodeSeconds) * 1000) / (ours20k.count - ours5k.count);
}

function waveSection(results: Results): string[] {
	const [byDefault, c8, c32, inline] = results.speed;
	const cpuMs = perItemMs(results.perItem[0]);
	return [
		'### The wave model',
		'',
		"Requests that leave together come back together: n8n's core spends the per-item CPU above on",
		'each request and idles through each round trip, so with c in flight',
		`time ≈ N × CPU per item + (N ÷ c) × latency. With ${fixed(cpuMs, 3)} ms per item that is`,
		`${fixed(predicted(cpuMs, 8))} s at c = 8 (measured ${fixed(c8.nodeSeconds)} s) and ${fixed(predicted(cpuMs, 32))} s at c = 32 (measured ${fixed(c32.nodeSeconds)} s).`,
		'The node spreads request starts over the round trip so that the two costs overlap; fully',
		`overlapped, time ≈ max(N × CPU per item, (N ÷ c) × latency) = ${fixed(overlapped(cpuMs, 32))} s at c = 32 (default options measured ${fixed(byDefault.nodeSeconds)} s).`,
		'The HTTP Request node sends everything at once and pays only its own CPU per item, so the',
		`overlapped time also bounds the ratio against it: at most ${times(inline.nodeSeconds / overlapped(cpuMs, 32))} at ${LATENCY_MS} ms. Past c ≈ latency ÷ CPU per item (${fixed(LATENCY_MS / cpuMs, 0)} here) only a cheaper request helps.`,
		'',
		...loopSection(results),
	];
}

/** Event-loop utilisation of n8n's process during the node's run: the wave model's idle time. */
function loopSection(results: Results): string[] {
	const [byDefault, c8, c32, inline] = results.speed;
	const costOurs = results.perItem[0];
	const idle = (m: Measurement) => m.nodeSeconds * (1 - m.loop.elu);
	const all = Object.values(results).flat();
	const samplingShare = Math.max(...all.map((m) => m.loop.samplingShare));
	const loopRow = (m: Measurement, latency: string) =>
		`| ${m.label} | ${latency} | ${fixed(m.nodeSeconds)} | ${fixed(m.loop.elu)} | ${fixed(idle(m))} | ${fixed(m.loop.cpuCores)} |`;
	return [
		"What n8n's main thread did during the node's run, measured inside n8n's process:",
		'',
		'| node | latency | time (s) | event-loop utilisation | idle (s) | CPU (cores) |',
		'|---|---:|---:|---:|---:|---:|',
		loopRow(costOurs, '0 ms'),
		...[byDefault, c8, c32, inline].map((m) => loopRow(m, `${LATENCY_MS} ms`)),
		'',
		'- Event-loop utilisation is the share of the run the main thread was busy; idle = time × (1 − utilisation) is the time the core sat waiting for answers. CPU is the whole process (all threads, garbage collection included) per wall second: it can exceed the utilisation (other threads), or fall below it when the busy thread waits for a core on a shared machine.',
		`- At 0 ms the loop is busy ${fixed(costOurs.loop.elu)} of the time: the cost per item is CPU, not waiting. At ${LATENCY_MS} ms the waits appear as idle time: ${fixed(idle(c8))} s at Concurrency 8 (the model's (N ÷ c) × latency is ${fixed(((1000 / 8) * LATENCY_MS) / 1000)} s) and ${fixed(idle(c32))} s at Concurrency 32 (model ${fixed(((1000 / 32) * LATENCY_MS) / 1000)} s). Spreading request starts is meant to turn that idle time into overlap: default options idle ${fixed(idle(byDefault))} s; the HTTP Request node, all requests at once, ${fixed(idle(inline))} s.`,
		`- Measured by bench/loop-sampler.ts, preloaded into \`n8n execute\` through NODE_OPTIONS (no change to n8n or the node): it reads the loop's counters and the process's CPU time every 20 ms, and the figures are taken between the first and last sample inside the node's run. Sampling took at most ${fixed(100 * samplingShare, 2)}% of any run's wall time, as the sampler timed itself: an upper bound, since wall time also counts preemption on a shared machine and any garbage collection that starts inside a sample (on its own, one sample costs about 2 µs of CPU).`,
		'',
	];
}

function rateSection(results: Results, rounds: Results[]): string[] {
	const [rateDefault, , rate32, fixed32] = results.rateLimit;
	return [
		`## 4. 1,000 deletions, ${RATE} requests/s allowed (429 + Retry-After beyond), 5% 503s, 2% connection resets after acting`,
		'',
		'| node | time (s) | × N/rate | failed items | deleted_or_not_found | requests sent | 429s received | peak in flight |',
		'|---|---:|---:|---:|---:|---:|---:|---:|',
		...results.rateLimit.map(
			(m) =>
				`| ${m.label} | ${fixed(m.nodeSeconds)} | ${times(m.nodeSeconds / rateFloor)} | ${m.failed} | ${m.ambiguous} | ${m.requests} | ${m.rateLimited} | ${m.maxInFlight} |`,
		),
		'',
		`- Floor N/rate = ${fixed(rateFloor, 1)} s. Default options: ${rateDefault.failed} failed (target 0: ${target(rateDefault.failed === 0)}), ${headline(rounds, HEADLINES.rateOverFloor)} the floor (target ≤ 1.10×: ${target(medianOf(rounds, HEADLINES.rateOverFloor) <= 1.1)}), ${rateDefault.rateLimited} 429s against ${fixed32.rateLimited} for fixed concurrency 32 (target ≤ half: ${target(rateDefault.rateLimited * 2 <= fixed32.rateLimited)}).`,
		"- Fixed concurrency 32, the 429 target's comparator, is the HTTP Request node with the key inline fed 32 items at a time by Loop Over Items: at most 32 requests in flight, the next 32 as soon as a batch's answers are in, no pacing and no Retry-After. Here the stand-in answers at once, so n8n's own CPU per request keeps every row to the few in flight the table shows; what this row lacks is any slowing down after a 429. That is how a user holds the HTTP Request node to 32 in flight (its own Batching option only spaces batch starts in time, and with a 0 ms interval sends every item at once). It sends each item once and retries nothing, so its 429s are a lower bound on what a fixed 32 that retried its failures would receive: the target is judged against that lower bound. Its time runs from the first batch's start to the last batch's end.",
		`- The node's own Concurrency 32 row (${rate32.rateLimited} 429s) is not a fixed 32: Concurrency is a cap on the same adaptive sending, paced after a 429, so that row learns the rate like the default does and is shown for reference only. The 429s the node still gets come from the first burst, before any 429 was known (the requests already on their way), and from probing upward.`,
		"- The HTTP Request rows are set to On Error → Continue so their failures can be counted; on the Retry On Fail row n8n's retry then never fires (the node does not fail), and without Continue the first failed item stops the whole run.",
		'- `deleted_or_not_found`: a reset after the deletion happened and the retry found the user gone; nothing looked the user up first, so the node cannot tell its own removal from a user who was never linked, and says so instead of claiming a deletion.',
		'',
	];
}

function memorySection(results: Results, rounds: Results[]): string[] {
	const [noOp5k, noOp20k, ours5k, ours20k, noOpCapped, oursCapped] = results.memory;
	return [
		'## 5. Peak memory of the n8n process',
		'',
		'| node | items | peak RSS (MB) |',
		'|---|---:|---:|',
		...results.memory.map((m) => `| ${m.label} | ${m.count} | ${m.peakRssMb} |`),
		'',
		`- At 20,000 items: ProductBridge / baseline = ${headline(rounds, HEADLINES.memoryOverBaseline)}; what the node adds over n8n's own handling of the same items: ${ours5k.peakRssMb - noOp5k.peakRssMb} MB at 5,000, ${ours20k.peakRssMb - noOp20k.peakRssMb} MB at 20,000.`,
		`- With old space capped at ${HEAP_CAP_MB} MB, 20,000 deletions ${oursCapped.failed === 0 ? 'still complete' : 'do not all complete'} (${oursCapped.failed} failed) with a peak of ${oursCapped.peakRssMb} MB against ${noOpCapped.peakRssMb} MB for the baseline (**${times(oursCapped.peakRssMb / noOpCapped.peakRssMb)}**): the uncapped peak is V8 letting garbage from n8n's per-request work pile up, not memory the node keeps.`,
		'',
	];
}

function verifySection(results: Results): string[] {
	const [off, on] = results.verify;
	return [
		`## 6. Verify Removal: 1,000 deletions, ${LATENCY_MS} ms latency, with and without the check`,
		'',
		'| node | time (s) | requests sent | items verified | peak in flight | failed |',
		'|---|---:|---:|---:|---:|---:|',
		...results.verify.map(
			(m) =>
				`| ${m.label} | ${fixed(m.nodeSeconds)} | ${m.requests} | ${m.verified} | ${m.maxInFlight} | ${m.failed} |`,
		),
		'',
		`- With Verify Removal / without: **${times(on.nodeSeconds / off.nodeSeconds)}** the time for ${times(on.requests / off.requests)} the requests: each item waits for its delete's answer before its check goes out, in the same window of requests in flight.`,
		'',
	];
}

function speedTable(rows: Measurement[]): string {
	return [
		'| node | time (s) | requests sent | peak in flight | failed |',
		'|---|---:|---:|---:|---:|',
		...rows.map((m) => row(m)),
	].join('\n');
}

function row(m: Measurement): string {
	return `| ${m.label} | ${fixed(m.nodeSeconds)} | ${m.requests} | ${m.maxInFlight} | ${m.failed} |`;
}

main().catch((error: unknown) => {
	process.stderr.write(
		`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exitCode = 1;
});
