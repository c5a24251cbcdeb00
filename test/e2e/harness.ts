/**
 * End-to-end harness: a real n8n (the pinned version, installed once into a cache outside the
 * repo by scripts/ensure-n8n.sh), this package built, packed with `npm pack` and installed into a
 * fresh N8N_USER_FOLDER the way n8n's Community Nodes installer does it, and n8n's own CLI
 * (`import:credentials`, `import:workflow`, `execute --rawOutput`) run as child processes.
 *
 * Reused by the end-to-end tests, and meant for a benchmark and a local playground too:
 *
 *   const n8n = await prepareN8n();            // or prepareN8n({ version: '1.123.81' })
 *   await n8n.importCredential({ id, name, type: 'productBridgeApi', data: { apiKey, baseUrl } });
 *   await n8n.importWorkflow(workflow);        // a workflow JSON with a fixed `id`
 *   const result = await n8n.execute(workflow.id);
 *   result.exitCode, result.runData, result.error;
 *   n8n.findSecret('pb_...');                  // where a secret shows in what n8n printed or stored
 *   await n8n.cleanup();
 *
 * What n8n's installer does (packages/cli/src/modules/community-packages/
 * community-packages.service.ts, downloadPackage): `npm pack <name>@<version>` into
 * ~/.n8n/nodes, `tar -xzf <tarball> -C ~/.n8n/nodes/node_modules/<name> --strip-components=1`,
 * drop devDependencies, peerDependencies and optionalDependencies from the unpacked package.json,
 * `npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow
 * --ignore-scripts=true --package-lock=false` inside the package folder, then record
 * `"<name>": "<version>"` in ~/.n8n/nodes/package.json. The harness does the same with the
 * tarball it packed itself instead of one from the registry.
 */
import { spawn } from 'node:child_process';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-productbridge';

/**
 * The repo root: from this file's folder under jest (CommonJS); under Node's own type stripping
 * (ES module, no `__dirname`, and `import.meta` would break ts-jest) from PB_REPO_ROOT or the first
 * folder up from the working directory whose package.json is this package's.
 */
export const REPO_ROOT =
	typeof __dirname === 'string'
		? path.resolve(__dirname, '..', '..')
		: findRepoRoot(process.env.PB_REPO_ROOT ?? process.cwd());
export const WORKFLOWS_DIR = path.join(REPO_ROOT, 'test', 'e2e', 'workflows');
export const DEFAULT_N8N_VERSION = '2.41.1';

function findRepoRoot(start: string): string {
	for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
		const manifest = path.join(dir, 'package.json');
		if (
			existsSync(manifest) &&
			(JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME
		)
			return dir;
		if (path.dirname(dir) === dir)
			throw new Error(`no ${PACKAGE_NAME} checkout above ${start}; set PB_REPO_ROOT`);
	}
}

/** Milliseconds; every n8n command is killed (with its whole process group) when it overruns. */
const COMMAND_TIMEOUT_MS = 180_000;
/** Installing n8n into a cold cache downloads ~3 GB of packages. */
const INSTALL_TIMEOUT_MS = 45 * 60_000;
const BUILD_TIMEOUT_MS = 5 * 60_000;

// ---------------------------------------------------------------- types

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface PairedItem {
	item: number;
	input?: number;
}

export interface OutputItem {
	json: JsonObject;
	pairedItem?: PairedItem | PairedItem[] | number;
	error?: JsonObject;
}

export interface NodeRunError {
	message?: string;
	description?: string | null;
	name?: string;
	httpCode?: string | null;
	node?: JsonObject;
	context?: JsonObject;
	[key: string]: Json | undefined;
}

export interface NodeRun {
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	/** Keyed by connection type (`main`, `ai_tool`, …), then one list of items per output. */
	data?: Record<string, Array<OutputItem[] | null>>;
	error?: NodeRunError;
	source?: Json[];
	[key: string]: unknown;
}

export type RunData = Record<string, NodeRun[]>;

export interface ExecutionJson {
	finished?: boolean;
	mode?: string;
	status?: string;
	data: {
		resultData: {
			runData: RunData;
			error?: NodeRunError;
			lastNodeExecuted?: string;
		};
	};
}

export interface CommandResult {
	args: string[];
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	timedOut: boolean;
	stdout: string;
	stderr: string;
	durationMs: number;
}

export interface ExecuteResult extends CommandResult {
	/** The execution n8n printed (on success) or logged (on failure); undefined when there was none. */
	execution: ExecutionJson | undefined;
	/** `{}` when n8n printed no execution. */
	runData: RunData;
	/** `data.resultData.error`: set when the execution failed. */
	error: NodeRunError | undefined;
}

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, string | number | boolean>;
}

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: JsonObject;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: string;
	[key: string]: Json | undefined;
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: JsonObject;
	[key: string]: Json | WorkflowNode[] | undefined;
}

/** Something n8n printed or stored: command output, or a file of the user folder (as bytes). */
export interface PrintedOrStored {
	source: string;
	content: Buffer;
}

export interface PrepareOptions {
	/** n8n version; default `N8N_VERSION` from the environment, else DEFAULT_N8N_VERSION. */
	version?: string;
	/** Build dist/ before packing (default true; `PB_E2E_SKIP_BUILD=1` turns it off). */
	build?: boolean;
	/** Extra environment for every n8n command (e.g. N8N_EXPRESSION_ENGINE). */
	env?: Record<string, string>;
	/** Progress lines (default: none). */
	log?: (line: string) => void;
	/** Keep the temporary folder after cleanup(), for a post-mortem (`PB_E2E_KEEP=1`). */
	keep?: boolean;
}

export interface N8nInstance {
	readonly version: string;
	/** The node binary that runs n8n. */
	readonly nodeBinary: string;
	readonly n8nBinary: string;
	/** N8N_USER_FOLDER: n8n keeps its settings, database and community nodes in `<it>/.n8n`. */
	readonly userFolder: string;
	/** The temporary root (user folder, tarball, import files); removed by cleanup(). */
	readonly workDir: string;
	/** The package version that was packed and installed. */
	readonly packageVersion: string;
	/** Every command run so far, in order. */
	readonly commands: readonly CommandResult[];
	/** Environment every n8n command gets (no secrets in it). */
	readonly env: Readonly<Record<string, string>>;
	importCredential(credentials: CredentialImport | CredentialImport[]): Promise<CommandResult>;
	importWorkflow(workflows: WorkflowJson | WorkflowJson[]): Promise<CommandResult>;
	execute(workflowId: string, options?: { timeoutMs?: number }): Promise<ExecuteResult>;
	/** Any n8n CLI command, e.g. `['export:workflow', '--all']`. */
	run(args: string[], options?: { timeoutMs?: number }): Promise<CommandResult>;
	/**
	 * Starts `n8n start` on a free port (127.0.0.1); resolves once its REST controllers answer
	 * (GET /rest/login from the AuthController, not a start-up placeholder) and it has printed
	 * "Editor is now accessible via".
	 */
	startServer(options?: ServerOptions): Promise<N8nServer>;
	/**
	 * Starts `n8n worker` (queue mode: give the instance EXECUTIONS_MODE=queue and the Redis
	 * settings) with its own task-runner broker port and its health server on a free 127.0.0.1
	 * port; resolves once `/healthz/readiness` answers 200 (database and Redis connected).
	 */
	startWorker(options?: WorkerOptions): Promise<N8nServer>;
	/** Everything n8n printed (each command's stdout and stderr) and every file it stored under the user folder. */
	allPrintedAndStored(): PrintedOrStored[];
	/** The sources in allPrintedAndStored() that contain `secret` as bytes. */
	findSecret(secret: string): string[];
	cleanup(): Promise<void>;
}

export interface ServerOptions {
	timeoutMs?: number;
	/** A fixed port (default: a free one). */
	port?: number;
	/** Sees everything n8n prints, as it prints it. */
	onOutput?: (chunk: string) => void;
	/** Environment for this process only, on top of the instance's (e.g. queue mode settings). */
	env?: Record<string, string>;
}

export interface WorkerOptions {
	timeoutMs?: number;
	/** `n8n worker --concurrency=<n>`: jobs run at once (n8n's default: 10). */
	concurrency?: number;
	/** Sees everything the worker prints, as it prints it. */
	onOutput?: (chunk: string) => void;
	/** Environment for this worker only, on top of the instance's. */
	env?: Record<string, string>;
}

export interface N8nServer {
	readonly url: string;
	readonly port: number;
	/** The process group n8n (and its task runner) runs in. */
	readonly pid: number;
	/** Resolves, with how and why, when n8n exits (also when stop() ends it). */
	readonly exited: Promise<string>;
	/** What the server printed so far. */
	output(): { stdout: string; stderr: string };
	stop(): Promise<CommandResult>;
}

// ---------------------------------------------------------------- preparing

/** Installs (once) and locates n8n, builds and packs this package, installs it into a fresh user folder. */
export async function prepareN8n(options: PrepareOptions = {}): Promise<N8nInstance> {
	const log = options.log ?? (() => undefined);
	const version = options.version ?? process.env.N8N_VERSION ?? DEFAULT_N8N_VERSION;
	const { nodeBinary, n8nBinary, npmBinary, shellEnv } = await locateN8n(version, log);

	const build = options.build ?? process.env.PB_E2E_SKIP_BUILD !== '1';
	if (build) {
		log('building the package (gulp build)');
		await runChecked(
			nodeBinary,
			[path.join(REPO_ROOT, 'node_modules', 'gulp', 'bin', 'gulp.js'), 'build'],
			{
				cwd: REPO_ROOT,
				env: shellEnv,
				timeoutMs: BUILD_TIMEOUT_MS,
			},
		);
	}

	const workDir = mkdtempSync(path.join(tmpdir(), 'pb-e2e-'));
	try {
		const packDir = path.join(workDir, 'pack');
		const inputsDir = path.join(workDir, 'inputs');
		const userFolder = path.join(workDir, 'home');
		for (const dir of [packDir, inputsDir, userFolder]) mkdirSync(dir, { recursive: true });

		log('packing the package (npm pack)');
		// .npmrc has ignore-scripts=true, so prepack does not run: dist/ was built above.
		const packed = await runChecked(
			npmBinary,
			['pack', '--pack-destination', packDir, '--json', '--loglevel=error'],
			{
				cwd: REPO_ROOT,
				env: shellEnv,
				timeoutMs: BUILD_TIMEOUT_MS,
			},
		);
		const [packInfo] = JSON.parse(packed.stdout) as Array<{ filename: string; version: string }>;
		const tarball = path.join(packDir, path.basename(packInfo.filename));

		log(
			`installing ${path.basename(tarball)} into ${userFolder} as n8n's Community Nodes installer does`,
		);
		await installLikeCommunityNodes(
			tarball,
			path.join(userFolder, '.n8n', 'nodes'),
			npmBinary,
			shellEnv,
		);

		const brokerPort = await freePort();
		const env: Record<string, string> = {
			...withoutN8nVariables(shellEnv),
			N8N_USER_FOLDER: userFolder,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_LOG_LEVEL: 'info',
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			...versionSpecificEnv(version),
			...options.env,
		};
		return new LocalN8n({
			version,
			nodeBinary,
			n8nBinary,
			userFolder,
			workDir,
			inputsDir,
			packageVersion: packInfo.version,
			env,
			keep: options.keep ?? process.env.PB_E2E_KEEP === '1',
		});
	} catch (error) {
		rmSync(workDir, { recursive: true, force: true });
		throw error;
	}
}

/** What differs between n8n majors at run time. */
function versionSpecificEnv(version: string): Record<string, string> {
	if (majorOf(version) === 1) {
		// 1.x's default 'vm' expression engine needs isolated-vm 6.2.0's native addon, prebuilt for
		// Node 22 and 24 only (ABI 127/137) and not built here (--ignore-scripts); 'legacy' runs on
		// any Node. 1.x rejects unknown module names (UnknownModuleError), and mcp-registry is 2.x's,
		// so N8N_DISABLED_MODULES is left out.
		return { N8N_EXPRESSION_ENGINE: 'legacy' };
	}
	// 2.x: the MCP registry module fetches a remote list on start-up; nothing here needs it.
	return { N8N_DISABLED_MODULES: 'mcp-registry' };
}

export function majorOf(version: string): number {
	return Number(version.split('.')[0]);
}

interface Located {
	nodeBinary: string;
	n8nBinary: string;
	npmBinary: string;
	/** The environment scripts/env.sh sets up (PATH with the right Node, npm_config_nodedir). */
	shellEnv: Record<string, string>;
}

/** Runs scripts/ensure-n8n.sh (installs into the cache on first use) and reads where things are. */
async function locateN8n(version: string, log: (line: string) => void): Promise<Located> {
	const script = [
		'set -euo pipefail',
		'n8n_bin="$(bash scripts/ensure-n8n.sh)"',
		'. scripts/env.sh',
		'printf "%s\\n" "$n8n_bin" "$(command -v node)" "$(command -v npm)"',
		'env -0 > "$PB_ENV_DUMP"',
	].join('\n');
	const dumpDir = mkdtempSync(path.join(tmpdir(), 'pb-e2e-env-'));
	const dump = path.join(dumpDir, 'env');
	try {
		log(`locating n8n@${version} (installs into the cache on first use: minutes)`);
		const result = await runChecked('bash', ['-c', script], {
			cwd: REPO_ROOT,
			env: {
				...withoutNpmRunVariables(stringEnv(process.env)),
				N8N_VERSION: version,
				PB_ENV_DUMP: dump,
			},
			timeoutMs: INSTALL_TIMEOUT_MS,
			onStderr: (text) =>
				text
					.split('\n')
					.filter(Boolean)
					.forEach((line) => log(line)),
		});
		const [n8nBinary, nodeBinary, npmBinary] = result.stdout.trim().split('\n').slice(-3);
		const shellEnv: Record<string, string> = {};
		for (const entry of readFileSync(dump, 'utf8').split('\0')) {
			const equals = entry.indexOf('=');
			if (equals > 0) shellEnv[entry.slice(0, equals)] = entry.slice(equals + 1);
		}
		delete shellEnv.PB_ENV_DUMP;
		if (!existsSync(n8nBinary))
			throw new Error(`ensure-n8n.sh named ${n8nBinary}, which does not exist`);
		await repairSqlite(n8nBinary, npmBinary, shellEnv, log);
		return { nodeBinary, n8nBinary, npmBinary, shellEnv };
	} finally {
		rmSync(dumpDir, { recursive: true, force: true });
	}
}

/**
 * A cache filled by an install whose `npm rebuild sqlite3` ran with npm_config_ignore_scripts=true
 * (inherited from an `npm run`/`npx` in this repo, whose .npmrc sets ignore-scripts) holds no
 * sqlite3 binding, and every n8n command then fails with "SQLite package has not been found
 * installed". Build it now.
 */
async function repairSqlite(
	n8nBinary: string,
	npmBinary: string,
	env: Record<string, string>,
	log: (line: string) => void,
): Promise<void> {
	const n8nHome = path.resolve(path.dirname(n8nBinary), '..', '..');
	const binding = path.join(
		n8nHome,
		'node_modules',
		'sqlite3',
		'build',
		'Release',
		'node_sqlite3.node',
	);
	if (existsSync(binding)) return;
	log(`${binding} is missing: rebuilding sqlite3`);
	await runChecked(
		npmBinary,
		['rebuild', 'sqlite3', '--ignore-scripts=false', '--loglevel=error'],
		{
			cwd: n8nHome,
			env,
			timeoutMs: INSTALL_TIMEOUT_MS,
		},
	);
	if (!existsSync(binding)) throw new Error(`npm rebuild sqlite3 did not produce ${binding}`);
}

/** n8n's CommunityPackagesService.downloadPackage, with a local tarball instead of the registry. */
async function installLikeCommunityNodes(
	tarball: string,
	nodesFolder: string,
	npmBinary: string,
	env: Record<string, string>,
): Promise<void> {
	const packageDirectory = path.join(nodesFolder, 'node_modules', PACKAGE_NAME);
	mkdirSync(packageDirectory, { recursive: true });
	await runChecked('tar', ['-xzf', tarball, '-C', packageDirectory, '--strip-components=1'], {
		cwd: nodesFolder,
		env,
		timeoutMs: 60_000,
	});
	const packageJsonPath = path.join(packageDirectory, 'package.json');
	const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as JsonObject;
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	writeFileSync(packageJsonPath, JSON.stringify(manifest, null, 2), 'utf8');
	await runChecked(
		npmBinary,
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
			'--omit=dev',
			'--loglevel=error',
		],
		{ cwd: packageDirectory, env, timeoutMs: 5 * 60_000 },
	);
	const nodesPackageJson = {
		name: 'installed-nodes',
		private: true,
		dependencies: { [PACKAGE_NAME]: String(manifest.version) },
	};
	writeFileSync(
		path.join(nodesFolder, 'package.json'),
		JSON.stringify(nodesPackageJson, null, 2),
		'utf8',
	);
}

// ---------------------------------------------------------------- the instance

interface LocalN8nSettings {
	version: string;
	nodeBinary: string;
	n8nBinary: string;
	userFolder: string;
	workDir: string;
	inputsDir: string;
	packageVersion: string;
	env: Record<string, string>;
	keep: boolean;
}

class LocalN8n implements N8nInstance {
	readonly version: string;
	readonly nodeBinary: string;
	readonly n8nBinary: string;
	readonly userFolder: string;
	readonly workDir: string;
	readonly packageVersion: string;
	readonly env: Readonly<Record<string, string>>;
	readonly commands: CommandResult[] = [];
	private readonly inputsDir: string;
	private readonly keep: boolean;
	private readonly servers = new Set<N8nServer>();
	private inputCounter = 0;

	constructor(settings: LocalN8nSettings) {
		this.version = settings.version;
		this.nodeBinary = settings.nodeBinary;
		this.n8nBinary = settings.n8nBinary;
		this.userFolder = settings.userFolder;
		this.workDir = settings.workDir;
		this.inputsDir = settings.inputsDir;
		this.packageVersion = settings.packageVersion;
		this.env = settings.env;
		this.keep = settings.keep;
	}

	async run(args: string[], options: { timeoutMs?: number } = {}): Promise<CommandResult> {
		const result = await runCommand(this.nodeBinary, [this.n8nBinary, ...args], {
			// n8n reads a .env from its working directory: give it one without.
			cwd: this.workDir,
			env: this.env,
			timeoutMs: options.timeoutMs ?? COMMAND_TIMEOUT_MS,
		});
		this.commands.push(result);
		return result;
	}

	/** The import file holds the keys in plain text: it lives outside the user folder and is removed at once. */
	async importCredential(
		credentials: CredentialImport | CredentialImport[],
	): Promise<CommandResult> {
		const list = Array.isArray(credentials) ? credentials : [credentials];
		const file = this.inputFile('credentials');
		writeFileSync(file, JSON.stringify(list), { encoding: 'utf8', mode: 0o600 });
		try {
			return await this.run(['import:credentials', `--input=${file}`]);
		} finally {
			rmSync(file, { force: true });
		}
	}

	async importWorkflow(workflows: WorkflowJson | WorkflowJson[]): Promise<CommandResult> {
		const list = Array.isArray(workflows) ? workflows : [workflows];
		const file = this.inputFile('workflows');
		writeFileSync(file, JSON.stringify(list, null, 2), 'utf8');
		try {
			return await this.run(['import:workflow', `--input=${file}`]);
		} finally {
			rmSync(file, { force: true });
		}
	}

	async execute(workflowId: string, options: { timeoutMs?: number } = {}): Promise<ExecuteResult> {
		const result = await this.run(['execute', `--id=${workflowId}`, '--rawOutput'], options);
		const execution = parseExecution(result.stdout);
		return {
			...result,
			execution,
			runData: execution?.data.resultData.runData ?? {},
			error: execution?.data.resultData.error,
		};
	}

	async startServer(options: ServerOptions = {}): Promise<N8nServer> {
		const port = options.port ?? (await freePort());
		const server = await startN8nServer(
			this,
			port,
			options.timeoutMs ?? COMMAND_TIMEOUT_MS,
			options.onOutput,
			options.env,
		);
		let stopped: Promise<CommandResult> | undefined;
		const stop = (): Promise<CommandResult> => {
			stopped ??= server.stop().then((result) => {
				this.servers.delete(server);
				this.commands.push(result);
				return result;
			});
			return stopped;
		};
		const handle: N8nServer = {
			url: server.url,
			port: server.port,
			pid: server.pid,
			exited: server.exited,
			output: () => server.output(),
			stop,
		};
		this.servers.add(handle);
		return handle;
	}

	async startWorker(options: WorkerOptions = {}): Promise<N8nServer> {
		const worker = await startN8nWorker(this, options);
		let stopped: Promise<CommandResult> | undefined;
		const handle: N8nServer = {
			...worker,
			stop: () =>
				(stopped ??= worker.stop().then((result) => {
					this.servers.delete(handle);
					this.commands.push(result);
					return result;
				})),
		};
		this.servers.add(handle);
		return handle;
	}

	allPrintedAndStored(): PrintedOrStored[] {
		const printed: PrintedOrStored[] = [];
		this.commands.forEach((command, index) => {
			const label = `command #${index + 1} (n8n ${command.args.slice(1, 2).join(' ')})`;
			printed.push({ source: `${label} stdout`, content: Buffer.from(command.stdout, 'utf8') });
			printed.push({ source: `${label} stderr`, content: Buffer.from(command.stderr, 'utf8') });
		});
		for (const server of this.servers) {
			const { stdout, stderr } = server.output();
			printed.push({ source: 'running n8n server stdout', content: Buffer.from(stdout, 'utf8') });
			printed.push({ source: 'running n8n server stderr', content: Buffer.from(stderr, 'utf8') });
		}
		const stored = listFiles(this.userFolder).map((file) => ({
			source: path.relative(this.workDir, file),
			content: readFileSync(file),
		}));
		return [...printed, ...stored];
	}

	findSecret(secret: string): string[] {
		const needle = Buffer.from(secret, 'utf8');
		return this.allPrintedAndStored()
			.filter(({ content }) => content.includes(needle))
			.map(({ source }) => source);
	}

	async cleanup(): Promise<void> {
		for (const server of [...this.servers]) await server.stop();
		this.servers.clear();
		if (!this.keep) rmSync(this.workDir, { recursive: true, force: true });
	}

	private inputFile(kind: string): string {
		this.inputCounter++;
		return path.join(this.inputsDir, `${kind}-${this.inputCounter}.json`);
	}
}

/**
 * `execute --rawOutput` prints log lines, then the execution as indented JSON starting at a line
 * that is exactly `{`. A failed execution is logged (same JSON) before the error lines.
 */
export function parseExecution(stdout: string): ExecutionJson | undefined {
	const lines = stdout.split('\n');
	for (let start = 0; start < lines.length; start++) {
		if (lines[start] !== '{') continue;
		for (let end = lines.length; end > start; end--) {
			if (lines[end - 1] !== '}') continue;
			try {
				const parsed = JSON.parse(lines.slice(start, end).join('\n')) as ExecutionJson;
				if (parsed?.data?.resultData !== undefined) return parsed;
			} catch {
				// not this span; try a shorter one
			}
		}
	}
	return undefined;
}

// ---------------------------------------------------------------- n8n server (REST)

async function startN8nServer(
	instance: LocalN8n,
	port: number,
	timeoutMs: number,
	onOutput: (chunk: string) => void = () => undefined,
	processEnv: Record<string, string> = {},
): Promise<N8nServer> {
	const started = Date.now();
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
	const { pid, stop } = child;
	const printed = () => {
		const { stdout, stderr } = child.output();
		return `${stdout}\n${stderr}`;
	};
	const url = `http://127.0.0.1:${port}`;

	// Ready means both of these (n8n 1.123.81 and 2.41.1 alike):
	// - GET /rest/login is answered by n8n's AuthController (JSON, 401 without a cookie). n8n
	//   listens before it migrates the database and registers its REST controllers (login, owner,
	//   credentials…, all in one ControllerRegistry.activate call) only after that, in
	//   Server.configure(). Until the migrations are done every path answers 200 text/html
	//   "n8n is starting up. Please wait" (AbstractServer.setupHealthCheck), then Express's 404
	//   page until the controllers are in. So neither "not 404" nor /healthz/readiness (200 once
	//   migrated on 1.x) will do.
	// - n8n printed "Editor is now accessible via:", which `n8n start` logs once server.start()
	//   has finished and the published workflows are activated. It is logged at info level to the
	//   console, so it is only waited for when the server's log settings print it.
	const expectEditorLine = printsInfoToConsole({ ...instance.env, ...serverVariables });
	let probe = 'no answer yet';
	while (Date.now() - started < timeoutMs) {
		const exitInfo = child.exitInfo();
		if (exitInfo !== undefined) {
			const { stdout, stderr } = child.output();
			throw new Error(
				`n8n start exited early (${exitInfo.code ?? exitInfo.signal}):\n${tail(stdout)}\n${tail(stderr)}`,
			);
		}
		let routesReady = false;
		try {
			const response = await fetch(`${url}/rest/login`, { signal: AbortSignal.timeout(2_000) });
			const type = response.headers.get('content-type') ?? '';
			const body = await response.text();
			routesReady = response.status !== 404 && response.status < 500 && type.includes('json');
			const text = oneLine(body.replace(/<[^>]*>/g, ' '), 60); // Express's 404 page is HTML
			probe = `GET /rest/login: ${response.status} ${type.split(';')[0] || '(no type)'} ${JSON.stringify(text)}`;
		} catch (error) {
			probe = `GET /rest/login: ${describeFetchError(error)}`;
		}
		const editorLine = !expectEditorLine || printed().includes(EDITOR_ACCESSIBLE);
		if (routesReady && editorLine) {
			return { url, port, pid, exited: child.exited, output: child.output, stop };
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	// What was seen, before stop() makes n8n print its shutdown lines.
	const seenOutput = printed();
	const { stdout, stderr } = child.output();
	const editorState = seenOutput.includes(EDITOR_ACCESSIBLE)
		? 'printed'
		: expectEditorLine
			? 'not printed'
			: 'not expected (log settings)';
	const seen = `Last probe: ${probe}; "${EDITOR_ACCESSIBLE}" ${editorState}; last line printed: ${JSON.stringify(lastLine(seenOutput))}`;
	await stop();
	throw new Error(
		`n8n start did not become ready within ${timeoutMs} ms. ${seen}\n${tail(stdout)}\n${tail(stderr)}`,
	);
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

// ---------------------------------------------------------------- n8n worker (queue mode)

/**
 * `n8n worker`: takes executions from the Redis queue. Its own task-runner broker port (two n8n
 * processes on one machine cannot share one) and its health server on 127.0.0.1; ready once
 * `/healthz/readiness` answers 200, which n8n does when the database and Redis are connected.
 */
async function startN8nWorker(instance: LocalN8n, options: WorkerOptions): Promise<N8nServer> {
	const timeoutMs = options.timeoutMs ?? COMMAND_TIMEOUT_MS;
	const port = await freePort();
	const args = [instance.n8nBinary, 'worker'];
	if (options.concurrency !== undefined) args.push(`--concurrency=${options.concurrency}`);
	const child = spawnN8n(
		instance,
		args,
		{
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(port),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			...options.env,
		},
		options.onOutput,
	);
	const url = `http://127.0.0.1:${port}`;
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		if (child.exitInfo() !== undefined) {
			const { stdout, stderr } = child.output();
			throw new Error(
				`n8n worker exited early (${await child.exited}):\n${tail(stdout)}\n${tail(stderr)}`,
			);
		}
		try {
			const response = await fetch(`${url}/healthz/readiness`, {
				signal: AbortSignal.timeout(2_000),
			});
			await response.text();
			if (response.status === 200)
				return {
					url,
					port,
					pid: child.pid,
					exited: child.exited,
					output: child.output,
					stop: child.stop,
				};
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	await child.stop();
	const { stdout, stderr } = child.output();
	throw new Error(
		`n8n worker did not become ready within ${timeoutMs} ms:\n${tail(stdout)}\n${tail(stderr)}`,
	);
}

interface SpawnedN8n {
	pid: number;
	exited: Promise<string>;
	exitInfo(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
	output(): { stdout: string; stderr: string };
	/** SIGTERM to the group, SIGKILL after 20 s, then SIGKILL to whatever is left in the group. */
	stop(): Promise<CommandResult>;
}

/** A long-running n8n command (start, worker) in its own process group, stopped by its process id. */
function spawnN8n(
	instance: LocalN8n,
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
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		stdout += chunk;
		onOutput(chunk);
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
		onOutput(chunk);
	});
	let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once('exit', (code, signal) => resolve((exitInfo = { code, signal }))),
	);
	let stopped: Promise<CommandResult> | undefined;
	const stop = (): Promise<CommandResult> =>
		(stopped ??= (async () => {
			if (exitInfo === undefined) {
				killGroup(pid, 'SIGTERM');
				const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 20_000);
				await exited;
				clearTimeout(timer);
			}
			killGroup(pid, 'SIGKILL');
			const info = exitInfo ?? (await exited);
			return {
				args,
				exitCode: info.code,
				signal: info.signal,
				timedOut: false,
				stdout,
				stderr,
				durationMs: Date.now() - started,
			};
		})());
	return {
		pid,
		exited: exited.then(
			({ code, signal }) => `n8n ${args.slice(1).join(' ')} exited (${code ?? signal})`,
		),
		exitInfo: () => exitInfo,
		output: () => ({ stdout, stderr }),
		stop,
	};
}

/**
 * Waits until n8n has registered a published webhook that requires a secret header: a call
 * without it then gets 403. Only that refusal proves it: while n8n is still starting it can
 * answer 404 or 503, and it answers its REST API before the webhooks are in.
 */
export async function waitForWebhook(url: string, timeoutMs = 120_000): Promise<void> {
	const started = Date.now();
	for (;;) {
		const response = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(10_000) });
		await response.text();
		if (response.status === 403) return;
		if (Date.now() - started > timeoutMs)
			throw new Error(`n8n did not register the webhook ${url} within ${timeoutMs / 1000} s`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

// ---------------------------------------------------------------- workflows

/** Reads test/e2e/workflows/<name>.json (or an absolute path). */
export function loadWorkflow(nameOrPath: string): WorkflowJson {
	const file = path.isAbsolute(nameOrPath)
		? nameOrPath
		: path.join(WORKFLOWS_DIR, `${nameOrPath.replace(/\.json$/, '')}.json`);
	return JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson;
}

/** Every workflow file under test/e2e/workflows, by file name without `.json`. */
export function loadAllWorkflows(dir = WORKFLOWS_DIR): Record<string, WorkflowJson> {
	const workflows: Record<string, WorkflowJson> = {};
	for (const file of readdirSync(dir)
		.filter((name) => name.endsWith('.json'))
		.sort()) {
		workflows[file.replace(/\.json$/, '')] = loadWorkflow(path.join(dir, file));
	}
	return workflows;
}

export interface WorkflowRewrite {
	/** Placeholder credential id in the JSON → the credential actually imported. */
	credentials?: Record<string, { id: string; name: string }>;
	/** Exact placeholder text → its value, in every string of the workflow (e.g. a base URL). */
	text?: Record<string, string>;
}

/**
 * A copy of the workflow with its placeholder credentials (and any placeholder text) replaced.
 * Throws when a credential placeholder has no mapping, so a typo cannot go unnoticed.
 */
export function rewriteWorkflow(workflow: WorkflowJson, rewrite: WorkflowRewrite): WorkflowJson {
	const replaceText = (value: Json): Json => {
		if (typeof value === 'string') {
			let text = value;
			for (const [from, to] of Object.entries(rewrite.text ?? {})) text = text.split(from).join(to);
			return text;
		}
		if (Array.isArray(value)) return value.map(replaceText);
		if (value !== null && typeof value === 'object') {
			return Object.fromEntries(
				Object.entries(value).map(([key, inner]) => [key, replaceText(inner)]),
			);
		}
		return value;
	};
	const copy = replaceText(JSON.parse(JSON.stringify(workflow)) as Json) as unknown as WorkflowJson;
	for (const node of copy.nodes) {
		for (const [type, reference] of Object.entries(node.credentials ?? {})) {
			const target = rewrite.credentials?.[reference.id];
			if (target === undefined) {
				throw new Error(
					`workflow ${workflow.id}, node "${node.name}": no credential given for placeholder ${reference.id}`,
				);
			}
			(node.credentials as Record<string, { id: string; name: string }>)[type] = { ...target };
		}
	}
	return copy;
}

// ---------------------------------------------------------------- reading runData

/** Items of one output of one node's run; [] when the output is empty or absent. */
export function outputItems(
	runData: RunData,
	nodeName: string,
	outputIndex = 0,
	runIndex = 0,
	connectionType = 'main',
): OutputItem[] {
	const run = runData[nodeName]?.[runIndex];
	return run?.data?.[connectionType]?.[outputIndex] ?? [];
}

/** The input item index an output item pairs back to (first one when several). */
export function pairedIndex(item: OutputItem): number | undefined {
	const paired = item.pairedItem;
	if (paired === undefined) return undefined;
	if (typeof paired === 'number') return paired;
	if (Array.isArray(paired)) return paired[0]?.item;
	return paired.item;
}

// ---------------------------------------------------------------- processes

interface RunOptions {
	cwd: string;
	env: Record<string, string> | Readonly<Record<string, string>>;
	timeoutMs: number;
	onStderr?: (text: string) => void;
}

/** Spawns in its own process group so a timeout kills n8n and its task runners together. */
export function runCommand(
	command: string,
	args: string[],
	options: RunOptions,
): Promise<CommandResult> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
			stderr += chunk;
			options.onStderr?.(chunk);
		});
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup(child.pid, 'SIGKILL');
		}, options.timeoutMs);
		child.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('close', (exitCode, signal) => {
			clearTimeout(timer);
			// Leftover task runners of a finished n8n would hold the terminal; the group goes with it.
			killGroup(child.pid, 'SIGKILL');
			resolve({
				args,
				exitCode,
				signal,
				timedOut,
				stdout,
				stderr,
				durationMs: Date.now() - started,
			});
		});
	});
}

async function runChecked(
	command: string,
	args: string[],
	options: RunOptions,
): Promise<CommandResult> {
	const result = await runCommand(command, args, options);
	if (result.exitCode !== 0) {
		const what = `${path.basename(command)} ${args.join(' ')}`;
		const why = result.timedOut
			? `timed out after ${options.timeoutMs} ms`
			: `exited with ${result.exitCode ?? result.signal}`;
		throw new Error(`${what} ${why}\n${tail(result.stdout)}\n${tail(result.stderr)}`);
	}
	return result;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (pid === undefined) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

function listFiles(dir: string): string[] {
	if (!existsSync(dir)) return [];
	const files: string[] = [];
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) files.push(...listFiles(full));
		else if (
			entry.isFile() ||
			(entry.isSymbolicLink() && statSync(full, { throwIfNoEntry: false })?.isFile())
		)
			files.push(full);
	}
	return files;
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
	return result;
}

/**
 * `npm run` and `npx` export this repo's npm settings to their children, among them
 * npm_config_ignore_scripts=true from .npmrc, which would make the n8n install's
 * `npm rebuild sqlite3` a silent no-op. Only settings that say where packages and headers come
 * from are kept.
 */
function withoutNpmRunVariables(env: Record<string, string>): Record<string, string> {
	const keep = new Set([
		'npm_config_cache',
		// set by scripts/env.sh: native addons build against the headers of the Node that runs n8n
		'npm_config_nodedir',
		'npm_config_registry',
		'npm_config_userconfig',
		'npm_config_proxy',
		'npm_config_https_proxy',
		'npm_config_noproxy',
		'npm_config_strict_ssl',
		'npm_config_cafile',
	]);
	return Object.fromEntries(
		Object.entries(env).filter(
			([key]) => !key.toLowerCase().startsWith('npm_') || keep.has(key.toLowerCase()),
		),
	);
}

/** The caller's own N8N_* settings (or jest's) must not leak into the n8n under test. */
function withoutN8nVariables(env: Record<string, string>): Record<string, string> {
	return Object.fromEntries(
		Object.entries(env).filter(
			([key]) =>
				!key.startsWith('N8N_') &&
				!key.startsWith('DB_') &&
				!key.startsWith('JEST_') &&
				// n8n treats NODE_ENV=test (set by jest) as its own unit tests: commands then never exit.
				!['NODE_ENV', 'NODE_OPTIONS', 'E2E_TESTS'].includes(key),
		),
	);
}

function tail(text: string, lines = 40): string {
	return text.split('\n').slice(-lines).join('\n');
}
