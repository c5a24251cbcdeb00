/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Long-running n8n processes: `n8n start` (the editor and REST API) and `n8n worker` (queue
 * mode), each in its own process group on 127.0.0.1, ready when n8n says so, stopped by process id.
 */
import { spawn } from 'node:child_process';

import { COMMAND_TIMEOUT_MS, freePort, killGroup, tail } from './processes.ts';
import type { CommandResult, N8nInstance, N8nServer, WorkerOptions } from './types.ts';

/** What a process needs from the instance it belongs to. */
export type N8nHost = Pick<N8nInstance, 'nodeBinary' | 'n8nBinary' | 'workDir' | 'env'>;

type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

interface SpawnedN8n {
	pid: number;
	exited: Promise<string>;
	exitInfo(): ExitInfo | undefined;
	output(): { stdout: string; stderr: string };
	/** SIGTERM to the group, SIGKILL after 20 s, then SIGKILL to whatever is left in the group. */
	stop(): Promise<CommandResult>;
}

/**
 * `n8n start` on `port`. Ready means both of these (n8n 1.123.81 and 2.41.1 alike):
 * - GET /rest/login is answered by n8n's AuthController (JSON, 401 without a cookie). n8n
 *   listens before it migrates the database and registers its REST controllers (login, owner,
 *   credentials…, all in one ControllerRegistry.activate call) only after that, in
 *   Server.configure(). Until the migrations are done every path answers 200 text/html
 *   "n8n is starting up. Please wait" (AbstractServer.setupHealthCheck), then Express's 404
 *   page until the controllers are in. So neither "not 404" nor /healthz/readiness (200 once
 *   migrated on 1.x) will do.
 * - n8n printed "Editor is now accessible via:", which `n8n start` logs once server.start()
 *   has finished and the published workflows are activated. It is logged at info level to the
 *   console, so it is only waited for when the server's log settings print it.
 */
export async function startN8nServer(
	instance: N8nHost,
	port: number,
	timeoutMs: number,
	onOutput: (chunk: string) => void = () => undefined,
	processEnv: Record<string, string> = {},
): Promise<N8nServer> {
	const serverVariables = {
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		...processEnv,
	};
	const child = spawnN8n(instance, [instance.n8nBinary, 'start'], serverVariables, onOutput);
	const url = `http://127.0.0.1:${port}`;
	const expectEditorLine = printsInfoToConsole({ ...instance.env, ...serverVariables });
	const seen = await waitUntilServing(child, url, expectEditorLine, timeoutMs);
	if (seen === 'ready') {
		return asServer(child, url, port);
	}
	await child.stop();
	const { stdout, stderr } = child.output();
	throw new Error(
		`n8n start did not become ready within ${timeoutMs} ms. ${seen}\n${tail(stdout)}\n${tail(stderr)}`,
	);
}

/** 'ready', or what was seen when the time ran out (before stop() makes n8n print its shutdown lines). */
async function waitUntilServing(
	child: SpawnedN8n,
	url: string,
	expectEditorLine: boolean,
	timeoutMs: number,
): Promise<string> {
	const started = Date.now();
	let probe = 'no answer yet';
	while (Date.now() - started < timeoutMs) {
		throwIfExited(child, 'n8n start');
		const login = await probeLogin(url);
		probe = login.seen;
		const editorLine = !expectEditorLine || printed(child).includes(EDITOR_ACCESSIBLE);
		if (login.ready && editorLine) return 'ready';
		await sleep(250);
	}
	const output = printed(child);
	const editorState = output.includes(EDITOR_ACCESSIBLE)
		? 'printed'
		: expectEditorLine
			? 'not printed'
			: 'not expected (log settings)';
	return `Last probe: ${probe}; "${EDITOR_ACCESSIBLE}" ${editorState}; last line printed: ${JSON.stringify(lastLine(output))}`;
}

/** GET /rest/login: ready once n8n's AuthController answers it in JSON. */
async function probeLogin(url: string): Promise<{ ready: boolean; seen: string }> {
	try {
		const response = await fetch(`${url}/rest/login`, { signal: AbortSignal.timeout(2_000) });
		const type = response.headers.get('content-type') ?? '';
		const body = await response.text();
		const ready = response.status !== 404 && response.status < 500 && type.includes('json');
		const text = oneLine(body.replace(/<[^>]*>/g, ' '), 60); // Express's 404 page is HTML
		const seen = `GET /rest/login: ${response.status} ${type.split(';')[0] || '(no type)'} ${JSON.stringify(text)}`;
		return { ready, seen };
	} catch (error) {
		return { ready: false, seen: `GET /rest/login: ${describeFetchError(error)}` };
	}
}

function asServer(child: SpawnedN8n, url: string, port: number): N8nServer {
	const { pid, exited, output, stop } = child;
	return { url, port, pid, exited, output, stop };
}

function throwIfExited(child: SpawnedN8n, what: string): void {
	const exitInfo = child.exitInfo();
	if (exitInfo === undefined) return;
	const { stdout, stderr } = child.output();
	throw new Error(
		`${what} exited early (${exitInfo.code ?? exitInfo.signal}):\n${tail(stdout)}\n${tail(stderr)}`,
	);
}

function printed(child: SpawnedN8n): string {
	const { stdout, stderr } = child.output();
	return `${stdout}\n${stderr}`;
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What `n8n start` logs (info level) once it has started, on 1.x and 2.x. */
const EDITOR_ACCESSIBLE = 'Editor is now accessible via';

/** Whether n8n with this environment logs info lines to the console (its defaults: info, console). */
function printsInfoToConsole(env: Readonly<Record<string, string | undefined>>): boolean {
	const level = (env.N8N_LOG_LEVEL ?? 'info').trim().toLowerCase();
	const outputs = (env.N8N_LOG_OUTPUT ?? 'console').split(',').map((output) => output.trim());
	return ['info', 'debug'].includes(level) && outputs.includes('console');
}

function describeFetchError(error: unknown): string {
	const cause = (error as { cause?: { code?: string; message?: string } }).cause;
	if (cause?.code !== undefined) return cause.code;
	if (error instanceof Error)
		return error.name === 'TimeoutError' ? 'no answer within 2 s' : error.message;
	return String(error);
}

function oneLine(text: string, length: number): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > length ? `${flat.slice(0, length)}…` : flat;
}

function lastLine(text: string): string {
	const lines = text.split('\n').filter((line) => line.trim() !== '');
	return oneLine(lines[lines.length - 1] ?? '', 200);
}

/**
 * `n8n worker`: takes executions from the Redis queue. Its own task-runner broker port (two n8n
 * processes on one machine cannot share one) and its health server on 127.0.0.1; ready once
 * `/healthz/readiness` answers 200, which n8n does when the database and Redis are connected.
 */
export async function startN8nWorker(
	instance: N8nHost,
	options: WorkerOptions,
): Promise<N8nServer> {
	const timeoutMs = options.timeoutMs ?? COMMAND_TIMEOUT_MS;
	const port = await freePort();
	const args = [instance.n8nBinary, 'worker'];
	if (options.concurrency !== undefined) args.push(`--concurrency=${options.concurrency}`);
	const workerVariables = {
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(port),
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		...options.env,
	};
	const child = spawnN8n(instance, args, workerVariables, options.onOutput);
	const url = `http://127.0.0.1:${port}`;
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		throwIfExited(child, 'n8n worker');
		if (await answersReadiness(url)) {
			return asServer(child, url, port);
		}
		await sleep(250);
	}
	await child.stop();
	const { stdout, stderr } = child.output();
	throw new Error(
		`n8n worker did not become ready within ${timeoutMs} ms:\n${tail(stdout)}\n${tail(stderr)}`,
	);
}

/** 200 from /healthz/readiness: the worker's database and Redis are connected. */
async function answersReadiness(url: string): Promise<boolean> {
	try {
		const response = await fetch(`${url}/healthz/readiness`, {
			signal: AbortSignal.timeout(2_000),
		});
		await response.text();
		return response.status === 200;
	} catch {
		return false; // not listening yet
	}
}

/** A long-running n8n command (start, worker) in its own process group, stopped by its process id. */
function spawnN8n(
	instance: N8nHost,
	args: string[],
	processEnv: Record<string, string>,
	onOutput: (chunk: string) => void = () => undefined,
): SpawnedN8n {
	const started = Date.now();
	const child = spawn(instance.nodeBinary, args, {
		cwd: instance.workDir,
		env: { ...instance.env, ...processEnv },
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	if (child.pid === undefined) throw new Error(`could not start n8n ${args.slice(1).join(' ')}`);
	const pid = child.pid;
	const printedSoFar = { stdout: '', stderr: '' };
	for (const stream of ['stdout', 'stderr'] as const) {
		child[stream].setEncoding('utf8').on('data', (chunk: string) => {
			printedSoFar[stream] += chunk;
			onOutput(chunk);
		});
	}
	let exitInfo: ExitInfo | undefined;
	const exited = new Promise<ExitInfo>((resolve) =>
		child.once('exit', (code, signal) => resolve((exitInfo = { code, signal }))),
	);
	let stopped: Promise<CommandResult> | undefined;
	const stop = (): Promise<CommandResult> =>
		(stopped ??= stopGroup(pid, exited, () => exitInfo).then((info) => ({
			args,
			exitCode: info.code,
			signal: info.signal,
			timedOut: false,
			...printedSoFar,
			durationMs: Date.now() - started,
		})));
	return {
		pid,
		exited: exited.then(
			({ code, signal }) => `n8n ${args.slice(1).join(' ')} exited (${code ?? signal})`,
		),
		exitInfo: () => exitInfo,
		output: () => ({ ...printedSoFar }),
		stop,
	};
}

/** SIGTERM to the group, SIGKILL after 20 s, then SIGKILL to whatever is left in the group. */
async function stopGroup(
	pid: number,
	exited: Promise<ExitInfo>,
	exitInfo: () => ExitInfo | undefined,
): Promise<ExitInfo> {
	if (exitInfo() === undefined) {
		killGroup(pid, 'SIGTERM');
		const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 20_000);
		await exited;
		clearTimeout(timer);
	}
	killGroup(pid, 'SIGKILL');
	return exitInfo() ?? (await exited);
}

/**
 * Waits until n8n has registered a published webhook that requires a secret header: a call
 * without it then gets 403. Only that refusal proves it: while n8n is still starting it can
 * answer 404 or 503, and it answers its REST API before the webhooks are in.
 */
export async function waitForWebhook(url: string, timeoutMs = 120_000): Promise<void> {
	const started = Date.now();
	for (;;) {
		// A refused or dropped connection (n8n between its REST API and its webhooks, or still
		// binding) is one more "not yet", like a 404: try again until the time is up.
		const status = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(10_000) }).then(
			async (response) => {
				await response.text();
				return response.status;
			},
			(error: unknown) => (error instanceof Error ? error.message : String(error)),
		);
		if (status === 403) return;
		if (Date.now() - started > timeoutMs)
			throw new Error(
				`n8n did not register the webhook ${url} within ${timeoutMs / 1000} s (last answer: ${status})`,
			);
		await sleep(250);
	}
}
