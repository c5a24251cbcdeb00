/**
 * The shapes the n8n launcher reads and writes: n8n's execution JSON (`execute --rawOutput`), the
 * workflow and credential files of `import:workflow` / `import:credentials`, and the launcher's
 * own handles (an instance, a running server or worker).
 */
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

/** allPrintedAndStored() at one moment, by source. */
export interface PrintedMark {
	readonly contents: ReadonlyMap<string, Buffer>;
}

export interface FindSecretOptions {
	/** Also look for every piece of the secret this many characters long. */
	pieces?: number;
	/** Only what is new since this mark(). */
	since?: PrintedMark;
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
	/** What n8n has printed and stored so far, for findSecret's `since`. */
	mark(): PrintedMark;
	/**
	 * The sources in allPrintedAndStored() that contain `secret` as bytes, or with `pieces`, any
	 * piece of it that long. With `since`, only what appeared after that mark(): a source counts when
	 * it holds more occurrences than it did then (a leak lands on the step that made it).
	 */
	findSecret(secret: string, options?: FindSecretOptions): string[];
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
