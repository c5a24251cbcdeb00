/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Preloaded into the `n8n execute` process the benchmark starts (NODE_OPTIONS=--import): samples
 * the event loop's utilisation and the process's CPU time, and writes the samples to the file
 * named by PB_BENCH_LOOP_SAMPLES when the process exits. The benchmark then reads them over the
 * window of the node's run (n8n's start-up and shutdown are outside it).
 *
 * Cost: one sample (two counters and a clock read, about 2 µs of CPU measured on its own in a loop
 * of 100,000: 0.01% of a core at one per SAMPLE_MS) on a timer that does not keep the process
 * alive. The wall time spent sampling is measured and written out, and the report shows it.
 * The variable is removed on load, so the processes n8n starts (the task runner) sample nothing.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export const SAMPLES_FILE_VARIABLE = 'PB_BENCH_LOOP_SAMPLES';
const SAMPLE_MS = 20;

export interface LoopSample {
	/** Wall clock, ms since the epoch (n8n's startTime is on the same clock). */
	at: number;
	/** Cumulative event-loop active and idle time, ms. */
	active: number;
	idle: number;
	/** Cumulative CPU time of the whole process (user + system, all threads), µs. */
	cpuUs: number;
}

export interface LoopSamples {
	samples: LoopSample[];
	/** Time spent taking the samples, µs. */
	samplingUs: number;
}

const file = process.env[SAMPLES_FILE_VARIABLE];
delete process.env[SAMPLES_FILE_VARIABLE];
if (file !== undefined && file !== '') record(file);

function record(path: string): void {
	const recorded: LoopSamples = { samples: [], samplingUs: 0 };
	const take = () => {
		const started = process.hrtime.bigint();
		const { active, idle } = performance.eventLoopUtilization();
		const { user, system } = process.cpuUsage();
		recorded.samples.push({ at: Date.now(), active, idle, cpuUs: user + system });
		recorded.samplingUs += Number(process.hrtime.bigint() - started) / 1000;
	};
	setInterval(take, SAMPLE_MS).unref();
	process.on('exit', () => {
		take();
		writeFileSync(path, JSON.stringify(recorded));
	});
}
