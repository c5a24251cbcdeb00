/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * `npm run dev`: the playground. Builds this package, starts the local ProductBridge stand-in
 * (127.0.0.1, demo users, the demo key) and a real n8n (the pinned version the end-to-end suite
 * uses) on 127.0.0.1:5678 with the package installed the way n8n's Community Nodes installer does
 * it, the credential for the stand-in created, the examples in examples/ imported (the HR webhook
 * one published) and an owner set up through n8n's own REST API, so the editor opens on a login
 * form rather than a sign-up form. Prints the editor URL and the login. Ctrl-C stops n8n (by its
 * process id, with its task runner) and the stand-in, and removes the temporary user folder.
 *
 * Also a module: scripts/screenshots.ts starts the same playground with startPlayground().
 */
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';

import {
	majorOf,
	PACKAGE_NAME,
	prepareN8n,
	readWorkflowFile,
	REPO_ROOT,
	rewriteWorkflow,
	waitForWebhook,
} from '../tools/n8n.ts';
import type { CredentialImport, N8nInstance, N8nServer, WorkflowJson } from '../tools/n8n.ts';
import { DEMO_API_KEY, DEMO_USERS, startStandIn } from '../tools/standin/server.ts';
import type { StandIn } from '../tools/standin/server.ts';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
const DEFAULT_PORT = 5678;

/** A local demo login, printed on start; the instance lives in a temporary folder on 127.0.0.1. */
export const PLAYGROUND_OWNER = Object.freeze({
	email: 'demo@example.com',
	firstName: 'Demo',
	lastName: 'Owner',
	password: 'Playground-1',
});

export const CREDENTIALS = Object.freeze({
	productBridge: { id: 'pbPlaygroundStandIn', name: 'ProductBridge (local stand-in)' },
	webhook: { id: 'pbPlaygroundHrHook', name: 'HR webhook secret (demo)' },
	openAi: { id: 'pbPlaygroundOpenAi', name: 'OpenAI (from OPENAI_API_KEY)' },
});

/** The header the HR example's webhook asks for; a demo value, printed so curl can send it. */
export const WEBHOOK_HEADER = Object.freeze({ name: 'X-HR-Secret', value: 'playground-hr-secret' });
const HR_WEBHOOK_PATH = 'productbridge-offboarding';
const HR_WORKFLOW_ID = 'pbExHrOffboarding';

/** The placeholder credential ids in examples/*.json. */
const PLACEHOLDERS = {
	productBridge: 'REPLACE_PRODUCTBRIDGE_CREDENTIAL',
	webhook: 'REPLACE_WEBHOOK_HEADER_AUTH_CREDENTIAL',
	openAi: 'REPLACE_OPENAI_CREDENTIAL',
};

const START_TIMEOUT_MS = 180_000;

interface PlaygroundOptions {
	port?: number;
	/** Progress lines. */
	log?: (line: string) => void;
	/** Echo n8n's own output. */
	verbose?: boolean;
	/** Creates an OpenAI credential for the AI Agent example (OPENAI_API_KEY, OPENAI_BASE_URL). */
	openAi?: { apiKey: string; baseUrl?: string };
	/** Checked between steps: an aborted start stops what it started and throws. */
	signal?: AbortSignal;
}

export interface Playground {
	readonly editorUrl: string;
	readonly webhookUrl: string;
	readonly n8n: N8nInstance;
	readonly standIn: StandIn;
	/** The process id of `n8n start` (its process group holds the task runner too). */
	readonly pid: number;
	readonly workflows: readonly WorkflowJson[];
	/** Resolves when n8n exits by itself; `stop()` does not resolve it. */
	readonly crashed: Promise<string>;
	stop(): Promise<void>;
}

/** The example workflows, by file name without `.json`. */
function loadExamples(dir = EXAMPLES_DIR): Record<string, WorkflowJson> {
	const examples: Record<string, WorkflowJson> = {};
	for (const file of readdirSync(dir)
		.filter((name) => name.endsWith('.json'))
		.sort())
		examples[file.replace(/\.json$/, '')] = readWorkflowFile(path.join(dir, file));
	return examples;
}

/** Fails early and clearly when something already listens on the port. */
async function assertPortFree(port: number): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const server = createServer();
		server.once('error', (error: NodeJS.ErrnoException) =>
			reject(
				new Error(
					error.code === 'EADDRINUSE'
						? `port ${port} is already in use (another n8n?). Stop it, or pick another port: npm run dev -- --port ${port + 10}`
						: `cannot listen on 127.0.0.1:${port}: ${error.message}`,
				),
			),
		);
		server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
	});
}

export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
	const port = options.port ?? DEFAULT_PORT;
	const log = options.log ?? (() => undefined);
	await assertPortFree(port);

	const standIn = await startStandIn({ users: DEMO_USERS });
	let n8n: N8nInstance | undefined;
	try {
		log(`ProductBridge stand-in listening on ${standIn.url} (demo users, the demo key)`);
		n8n = await prepareN8n({ log });
		options.signal?.throwIfAborted();
		const workflows = await importExamples(n8n, standIn, options);
		const server = await startServing(n8n, port, options);
		return asPlayground(server, n8n, standIn, workflows);
	} catch (error) {
		await n8n?.cleanup();
		await standIn.close();
		throw error;
	}
}

/** The credentials the examples name, pointing at the stand-in; OpenAI's only when given. */
function playgroundCredentials(standIn: StandIn, options: PlaygroundOptions): CredentialImport[] {
	const credentials: CredentialImport[] = [
		{
			...CREDENTIALS.productBridge,
			type: 'productBridgeApi',
			data: { apiKey: DEMO_API_KEY, baseUrl: standIn.url },
		},
		{
			...CREDENTIALS.webhook,
			type: 'httpHeaderAuth',
			data: { name: WEBHOOK_HEADER.name, value: WEBHOOK_HEADER.value },
		},
	];
	if (options.openAi !== undefined) {
		const { apiKey, baseUrl } = options.openAi;
		credentials.push({
			...CREDENTIALS.openAi,
			type: 'openAiApi',
			data: { apiKey, ...(baseUrl ? { url: baseUrl } : {}) },
		});
	}
	return credentials;
}

/** Credentials, then examples/*.json with their placeholders filled, then the HR webhook published. */
async function importExamples(
	n8n: N8nInstance,
	standIn: StandIn,
	options: PlaygroundOptions,
): Promise<WorkflowJson[]> {
	const log = options.log ?? (() => undefined);
	log('creating the credentials (n8n import:credentials)');
	await checked(
		n8n.importCredential(playgroundCredentials(standIn, options)),
		'import:credentials',
	);
	options.signal?.throwIfAborted();
	const workflows = Object.values(loadExamples()).map((workflow) =>
		rewriteWorkflow(options.openAi ? workflow : withoutCredential(workflow, 'openAiApi'), {
			credentials: {
				[PLACEHOLDERS.productBridge]: CREDENTIALS.productBridge,
				[PLACEHOLDERS.webhook]: CREDENTIALS.webhook,
				[PLACEHOLDERS.openAi]: CREDENTIALS.openAi,
			},
		}),
	);
	log(`importing ${workflows.length} example workflows (n8n import:workflow)`);
	await checked(n8n.importWorkflow(workflows), 'import:workflow');
	options.signal?.throwIfAborted();
	log('publishing the HR offboarding webhook');
	const publish =
		majorOf(n8n.version) === 1
			? ['update:workflow', `--id=${HR_WORKFLOW_ID}`, '--active=true']
			: ['publish:workflow', `--id=${HR_WORKFLOW_ID}`];
	await checked(n8n.run(publish), 'publish:workflow');
	options.signal?.throwIfAborted();
	return workflows;
}

/** `n8n start`, its owner account, and the HR webhook registered; stopped again if any fails. */
async function startServing(
	n8n: N8nInstance,
	port: number,
	options: PlaygroundOptions,
): Promise<N8nServer> {
	const log = options.log ?? (() => undefined);
	log(`starting n8n ${n8n.version} on http://127.0.0.1:${port}`);
	const server = await n8n.startServer({
		port,
		timeoutMs: START_TIMEOUT_MS,
		onOutput: options.verbose === true ? (chunk) => process.stderr.write(chunk) : undefined,
	});
	try {
		log('creating the owner account (POST /rest/owner/setup)');
		await setUpOwner(server.url);
		await waitForWebhook(`${server.url}/webhook/${HR_WEBHOOK_PATH}`, START_TIMEOUT_MS);
		options.signal?.throwIfAborted();
		return server;
	} catch (error) {
		await server.stop();
		throw error;
	}
}

function asPlayground(
	server: N8nServer,
	n8n: N8nInstance,
	standIn: StandIn,
	workflows: WorkflowJson[],
): Playground {
	let stopping: Promise<void> | undefined;
	return {
		editorUrl: server.url,
		webhookUrl: `${server.url}/webhook/${HR_WEBHOOK_PATH}`,
		n8n,
		standIn,
		pid: server.pid,
		workflows,
		// An exit that nobody asked for; never resolves once stop() has begun.
		crashed: server.exited.then((why) =>
			stopping === undefined
				? `${why}:\n${tail(`${server.output().stdout}\n${server.output().stderr}`)}`
				: new Promise<string>(() => undefined),
		),
		stop: () =>
			(stopping ??= (async () => {
				await server.stop();
				await standIn.close();
				await n8n.cleanup();
			})()),
	};
}

/** The AI example without a model: the person picks their own chat model credential. */
function withoutCredential(workflow: WorkflowJson, type: string): WorkflowJson {
	const copy = JSON.parse(JSON.stringify(workflow)) as WorkflowJson;
	for (const node of copy.nodes) {
		if (node.credentials?.[type] !== undefined) {
			delete node.credentials[type];
			if (Object.keys(node.credentials).length === 0) delete node.credentials;
		}
	}
	return copy;
}

async function checked(
	command: Promise<{ exitCode: number | null; stdout: string; stderr: string }>,
	what: string,
): Promise<void> {
	const result = await command;
	if (result.exitCode !== 0)
		throw new Error(
			`n8n ${what} failed (exit ${result.exitCode}):\n${tail(result.stdout)}\n${tail(result.stderr)}`,
		);
}

/** What the sign-up form does on a fresh instance, so the editor opens on a login form instead. */
async function setUpOwner(url: string): Promise<void> {
	const response = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': 'pb-playground-setup' },
		body: JSON.stringify(PLAYGROUND_OWNER),
		signal: AbortSignal.timeout(30_000),
	});
	if (!response.ok)
		throw new Error(
			`owner setup failed: HTTP ${response.status} ${(await response.text()).slice(0, 500)}`,
		);
}

function tail(text: string, lines = 30): string {
	return text.split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------- the command

const USAGE = `Usage: npm run dev [-- --port N] [-- --verbose]

Starts the ProductBridge playground: the local ProductBridge stand-in and a real n8n with this
package, its credential and the examples, on 127.0.0.1. Ctrl-C stops everything.

  --port N      n8n's port (default ${DEFAULT_PORT})
  --verbose     show n8n's own log
  --help        this text

OPENAI_API_KEY (and optionally OPENAI_BASE_URL) in the environment: an OpenAI credential is
created too, so the AI Agent example runs.
`;

function describeWorkflows(playground: Playground): string[] {
	const notes: Record<string, string> = {
		[HR_WORKFLOW_ID]: 'published: try the curl below',
		pbExBulkCleanup: 'open it, press Execute workflow',
		pbExAiAgent: process.env.OPENAI_API_KEY
			? 'uses your OPENAI_API_KEY: open the chat or Execute workflow'
			: 'needs a chat model: set OPENAI_API_KEY before npm run dev, or pick your own credential',
	};
	const order = Object.keys(notes);
	const rank = (id: string): number => (order.includes(id) ? order.indexOf(id) : order.length);
	return [...playground.workflows]
		.sort((a, b) => rank(a.id) - rank(b.id))
		.map((workflow) => `${workflow.name}${notes[workflow.id] ? `  (${notes[workflow.id]})` : ''}`);
}

function banner(playground: Playground, seconds: number): string {
	const { editorUrl, standIn, n8n } = playground;
	const indent = (lines: string[]) => lines.map((line) => `                ${line}`).join('\n');
	const [firstWorkflow, ...otherWorkflows] = describeWorkflows(playground);
	const [firstUser, ...otherUsers] = DEMO_USERS.map((user) => `${user.name} <${user.email}>`);
	return `
ProductBridge playground: n8n ${n8n.version} with ${PACKAGE_NAME} ${n8n.packageVersion}, ready in ${seconds.toFixed(0)} s

  Editor        ${editorUrl}
  Log in        ${PLAYGROUND_OWNER.email} / ${PLAYGROUND_OWNER.password}   (a local demo login)

  Credential    "${CREDENTIALS.productBridge.name}": the stand-in's URL and the demo key
                (open it under Overview → Credentials; its Test button pings the stand-in)
  Workflows     ${firstWorkflow}
${indent(otherWorkflows)}

  Stand-in      ${standIn.url}: a local ProductBridge, with these users:
                ${firstUser}
${indent(otherUsers)}
                what it received: curl -s ${standIn.url}/__standin/state
                bring the users back: curl -s -X POST ${standIn.url}/__standin/reset

  Remove a leaver through the HR webhook:
    curl -s -X POST ${playground.webhookUrl} \\
      -H '${WEBHOOK_HEADER.name}: ${WEBHOOK_HEADER.value}' -H 'content-type: application/json' \\
      -d '{"emails": ["ada.lovelace@example.com", "nobody@example.com"]}'

  Everything runs in a fresh temporary folder (${n8n.workDir}), removed on exit:
  nothing carries over between runs. Ctrl-C stops n8n (pid ${playground.pid}) and the stand-in.
`;
}

async function main(): Promise<void> {
	const { values } = parseArgs({
		args: process.argv.slice(2),
		options: {
			port: { type: 'string' },
			verbose: { type: 'boolean' },
			help: { type: 'boolean', short: 'h' },
		},
		strict: true,
	});
	if (values.help) {
		process.stdout.write(USAGE);
		return;
	}
	const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
	if (!Number.isInteger(port) || port < 1 || port > 65_535)
		throw new Error(`--port needs a port number, got ${JSON.stringify(values.port)}`);

	const started = Date.now();
	const log = (line: string): void => {
		process.stderr.write(
			`[dev ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`,
		);
	};
	// Ctrl-C while starting: stop after the current step, and take down what was started.
	const starting = new AbortController();
	const interruptWhileStarting = (): void => {
		log('Ctrl-C: stopping after the current step (Ctrl-C again to quit at once)');
		starting.abort(new Error('interrupted while starting; everything it started is stopped'));
		process.once('SIGINT', () => process.exit(130));
	};
	process.once('SIGINT', interruptWhileStarting);
	process.once('SIGTERM', interruptWhileStarting);

	const openAiKey = process.env.OPENAI_API_KEY;
	const playground = await startPlayground({
		port,
		log,
		verbose: values.verbose === true,
		openAi: openAiKey ? { apiKey: openAiKey, baseUrl: process.env.OPENAI_BASE_URL } : undefined,
		signal: starting.signal,
	});
	process.off('SIGINT', interruptWhileStarting);
	process.off('SIGTERM', interruptWhileStarting);

	const shutDown = async (why: string, code: number): Promise<void> => {
		process.stderr.write(`\n${why}: stopping n8n (pid ${playground.pid}) and the stand-in\n`);
		process.once('SIGINT', () => process.exit(130));
		await playground.stop();
		process.stderr.write('Stopped; the temporary folder is removed.\n');
		process.exit(code);
	};
	process.stdout.write(banner(playground, (Date.now() - started) / 1000));
	process.once('SIGINT', () => void shutDown('Ctrl-C', 0));
	process.once('SIGTERM', () => void shutDown('SIGTERM', 0));
	process.once('SIGHUP', () => void shutDown('SIGHUP', 0));
	const why = await playground.crashed;
	await shutDown(why, 1);
}

if (path.basename(process.argv[1] ?? '') === 'dev.ts') {
	main().catch((error: unknown) => {
		process.stderr.write(
			`npm run dev: ${error instanceof Error ? error.message : String(error)}\n`,
		);
		process.exit(1);
	});
}
