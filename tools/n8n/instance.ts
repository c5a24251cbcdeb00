/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * An n8n of its own for each caller: the pinned n8n (installed once into a cache outside the
 * repo by scripts/ensure-n8n.sh), this package built, packed and installed into a fresh
 * N8N_USER_FOLDER as n8n's Community Nodes installer does it (./install.ts), and n8n's own CLI
 * (`import:credentials`, `import:workflow`, `execute --rawOutput`) run as child processes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
	buildThePackage,
	installLikeCommunityNodes,
	locateN8n,
	packTheBuiltPackage,
} from './install.ts';
import type { Located } from './install.ts';
import {
	COMMAND_TIMEOUT_MS,
	freePort,
	listFiles,
	runCommand,
	withoutN8nVariables,
} from './processes.ts';
import { startN8nServer, startN8nWorker } from './server.ts';
import type {
	CommandResult,
	CredentialImport,
	ExecuteResult,
	ExecutionJson,
	N8nInstance,
	N8nServer,
	PrepareOptions,
	FindSecretOptions,
	PrintedMark,
	PrintedOrStored,
	ServerOptions,
	WorkerOptions,
	WorkflowJson,
} from './types.ts';

export const DEFAULT_N8N_VERSION = '2.41.1';

/** Installs (once) and locates n8n, builds and packs this package, installs it into a fresh user folder. */
export async function prepareN8n(options: PrepareOptions = {}): Promise<N8nInstance> {
	const log = options.log ?? (() => undefined);
	const version = options.version ?? process.env.N8N_VERSION ?? DEFAULT_N8N_VERSION;
	const located = await locateN8n(version, log);
	if (options.build ?? process.env.PB_E2E_SKIP_BUILD !== '1') {
		log('building the package (gulp build)');
		await buildThePackage(located);
	}
	const workDir = mkdtempSync(path.join(tmpdir(), 'pb-e2e-'));
	try {
		return await installIntoFreshUserFolder(located, workDir, version, options);
	} catch (error) {
		rmSync(workDir, { recursive: true, force: true });
		throw error;
	}
}

async function installIntoFreshUserFolder(
	located: Located,
	workDir: string,
	version: string,
	options: PrepareOptions,
): Promise<LocalN8n> {
	const log = options.log ?? (() => undefined);
	const [packDir, inputsDir, userFolder] = ['pack', 'inputs', 'home'].map((name) =>
		path.join(workDir, name),
	);
	for (const dir of [packDir, inputsDir, userFolder]) mkdirSync(dir, { recursive: true });
	log('packing the package (npm pack)');
	const packed = await packTheBuiltPackage(located, packDir);
	log(
		`installing ${path.basename(packed.tarball)} into ${userFolder} as n8n's Community Nodes installer does`,
	);
	const nodesFolder = path.join(userFolder, '.n8n', 'nodes');
	await installLikeCommunityNodes(packed.tarball, nodesFolder, located.npmBinary, located.shellEnv);
	return new LocalN8n({
		version,
		nodeBinary: located.nodeBinary,
		n8nBinary: located.n8nBinary,
		userFolder,
		workDir,
		inputsDir,
		packageVersion: packed.version,
		env: await n8nEnvironment(located, userFolder, version, options),
		keep: options.keep ?? process.env.PB_E2E_KEEP === '1',
	});
}

/** What every n8n command of the instance gets: none of the caller's own N8N_* settings. */
async function n8nEnvironment(
	located: Located,
	userFolder: string,
	version: string,
	options: PrepareOptions,
): Promise<Record<string, string>> {
	return {
		...withoutN8nVariables(located.shellEnv),
		N8N_USER_FOLDER: userFolder,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		...versionSpecificEnv(version),
		...options.env,
	};
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

	mark(): PrintedMark {
		return { contents: new Map(this.allPrintedAndStored().map((it) => [it.source, it.content])) };
	}

	findSecret(secret: string, options: FindSecretOptions = {}): string[] {
		const needles = new Map<string, string>([[secret, '']]);
		if (options.pieces !== undefined)
			for (let start = 0; start + options.pieces <= secret.length; start++)
				needles.set(
					secret.slice(start, start + options.pieces),
					` (its ${options.pieces} characters from offset ${start})`,
				);
		const found: string[] = [];
		for (const { source, content } of this.allPrintedAndStored()) {
			const before = options.since?.contents.get(source);
			for (const [needle, what] of needles) {
				const bytes = Buffer.from(needle, 'utf8');
				const now = occurrences(content, bytes);
				if (now === 0) continue;
				if (before === undefined || now > occurrences(before, bytes)) {
					found.push(`${source}${what}`);
					break;
				}
			}
		}
		return found;
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

function occurrences(haystack: Buffer, needle: Buffer): number {
	let count = 0;
	for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) count++;
	return count;
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
