/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Engine-level test harness: runs a real two-node workflow ("Harness Start" -> the node under
 * test) inside n8n-core's own WorkflowExecute, so tests observe what n8n's engine decides, not
 * what a mocked IExecuteFunctions would do: "On Error" handling (the engine splitting failed
 * items onto the error output and merging them with their input), pairedItem bookkeeping, and
 * credential injection through n8n-core's real `httpRequestWithAuthentication`, over real HTTP.
 *
 * It leans on these n8n internals; when an n8n upgrade breaks it, look here first:
 *  - n8n-core: PackageDirectoryLoader (loadAll, loadedNodes, known, getNode, getCredential),
 *    WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData,
 *    ExecutionLifecycleHooks (the nodeExecuteAfter handler), ExternalSecretsProxy,
 *    getAdditionalKeys, and its @n8n/di services (InstanceSettings, Logger, ErrorReporter,
 *    OutboundHttp…), which it builds on first use: the harness only sets N8N_USER_FOLDER (a
 *    temporary folder for InstanceSettings' encryption key file) and N8N_LOG_LEVEL=silent first.
 *  - n8n-workflow: Workflow (fills parameter defaults; its expression engine),
 *    createRunExecutionData, NodeHelpers.getVersionedNodeType / getNodeParameters, the abstract
 *    ICredentialsHelper and the IWorkflowExecuteAdditionalData fields.
 *  - Mirrors of n8n CLI code (the `n8n` package, not a dependency here):
 *    packages/cli/src/credentials-helper.ts (HarnessCredentialsHelper: authenticate by the
 *    credential's function, and getDecrypted: defaults, then expressions), NodeTypes /
 *    CredentialTypes over one package (HarnessNodeTypes, HarnessCredentialTypes), and
 *    WorkflowExecuteAdditionalData.getBase (createAdditionalData).
 *
 * Only what this package uses is there: no declarative (generic) authentication,
 * pre-authentication, OAuth, credential `extends`, stored-credential objects, sub-workflows,
 * task runners or AI events. What n8n-core would ask
 * for beyond that throws saying so, rather than half-working.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	getAdditionalKeys,
	PackageDirectoryLoader,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	ICredentialTypes,
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	OnError,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	createRunExecutionData,
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	Workflow,
} from 'n8n-workflow';

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export interface EngineRun {
	/** 'success' when n8n finished the execution without an execution-level error. */
	status: 'success' | 'error';
	/** Execution-level error (the node stopped the workflow), as n8n stores it in resultData. */
	error?: { message: string; description?: string | null; name: string };
	/** The node under test's output branches: 0 = main/success, 1 = error output when enabled. */
	outputs: INodeExecutionData[][];
	/** Full n8n run data of the execution (both nodes). */
	runData: IRunData;
	/** n8n's own execution status ('success', 'error', 'canceled', 'waiting', ...). */
	executionStatus: ExecutionStatus;
	/** Names of the nodes in the order n8n finished them (nodeExecuteAfter hook). */
	executedNodes: string[];
	/** Name the node under test had in the workflow. */
	nodeName: string;
	/** The whole IRun WorkflowExecute resolved with. */
	run: IRun;
	/**
	 * What the node under test's execute() returned, copied before n8n-core fills in what the node
	 * left out (pairedItem by index, for one); undefined when it threw or never ran.
	 */
	returned: INodeExecutionData[][] | undefined;
}

export interface RunNodeOptions {
	/** Node type name as in the node's description ('productBridge') or fully qualified
	 * ('n8n-nodes-productbridge.productBridge'). */
	nodeType: string;
	/** Node parameters as the editor would store them; n8n fills in the defaults. */
	parameters: INodeParameters;
	/** Input items. Entries with an object `json` key are taken as INodeExecutionData, anything
	 * else is wrapped as `{ json: entry }`. */
	items: INodeExecutionData[] | IDataObject[];
	/** Decrypted credential data, attached to the node and injected like n8n does. */
	credentials?: { type: string; data: ICredentialDataDecryptedObject };
	/** The node's "On Error" setting; n8n's default is stopWorkflow. */
	onError?: OnError;
	/** The node's Settings → Retry On Fail; off unless set. */
	retryOnFail?: { maxTries: number; waitBetweenTries: number };
	/** Node version; defaults to the version the editor would add (defaultVersion or latest). */
	typeVersion?: number;
	/** Node name in the workflow; defaults to the description's defaults.name. */
	nodeName?: string;
	/** Execution mode; 'manual' (the editor's "Execute workflow") unless set. */
	mode?: WorkflowExecuteMode;
}

export interface LoadedPackage {
	/** package.json "name". */
	readonly packageName: string;
	/** Package root the loader read. */
	readonly directory: string;
	/** n8n-core's loader, after loadAll(). */
	readonly loader: PackageDirectoryLoader;
	/** The package's node types plus the harness start node, keyed by full type name. */
	readonly nodeTypes: HarnessNodeTypes;
	/** The package's credential types. */
	readonly credentialTypes: HarnessCredentialTypes;
}

/** Full type name of the harness's start node (the only node ever put on the execution stack). */
export const HARNESS_START_NODE_TYPE = 'n8n-nodes-engine-harness.harnessStart';
export const HARNESS_START_NODE_NAME = 'Harness Start';

/**
 * Loads a built community-node package the way n8n loads an installed one: n8n-core's
 * PackageDirectoryLoader on the package root, reading the nodes and credentials its package.json
 * "n8n" section lists. Accepts the package root or its dist/ directory.
 */
export async function loadPackage(distDir: string): Promise<LoadedPackage> {
	ensureEngineEnvironment();
	const directory = resolvePackageRoot(distDir);
	const loader = new PackageDirectoryLoader(directory);
	await loader.loadAll();
	if (loader.loadedNodes.length === 0) {
		throw new UnexpectedError(
			`No nodes loaded from ${directory}: is the package built and its package.json "n8n" section set?`,
		);
	}
	const credentialTypes = new HarnessCredentialTypes(loader);
	const nodeTypes = new HarnessNodeTypes(loader);
	return {
		packageName: loader.packageName,
		directory: loader.directory,
		loader,
		nodeTypes,
		credentialTypes,
	};
}

/**
 * Forgets the flow controllers the node shares between executions of one process (one per Base
 * URL and key), so that each test starts as a fresh n8n would. Loaded through the same module
 * registry as the node, so it is the node's own registry; the node never calls it.
 */
export async function forgetSharedFlows(pkg: LoadedPackage): Promise<void> {
	const file = path.join(
		pkg.directory,
		'dist',
		'nodes',
		'ProductBridge',
		'transport',
		'flow',
		'shared.js',
	);
	const shared = (await import(file)) as { forgetAllFlows: () => void };
	shared.forgetAllFlows();
}

/**
 * Runs "Harness Start" -> node under test in n8n-core's WorkflowExecute and reports what the
 * engine decided. Workflow issues (e.g. a required parameter missing) reject, as n8n refuses to
 * start such a workflow.
 */
export async function runNode(pkg: LoadedPackage, opts: RunNodeOptions): Promise<EngineRun> {
	ensureEngineEnvironment();
	const mode: WorkflowExecuteMode = opts.mode ?? 'manual';
	const nodeUnderTest = nodeUnderTestOf(pkg, opts);
	const credentialStore = new Map<string, ICredentialDataDecryptedObject>();
	if (opts.credentials) {
		const { type, data } = opts.credentials;
		nodeUnderTest.credentials = { [type]: { id: 'harness-credential', name: `${type} (harness)` } };
		credentialStore.set(type, structuredClone(data));
	}
	const startNode = newStartNode();
	const { workflow, workflowData } = harnessWorkflow(pkg, startNode, nodeUnderTest);

	executionCounter += 1;
	const executionId = `harness-${executionCounter}`;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const executedNodes: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (name) => {
		executedNodes.push(name);
	});
	const credentialsHelper = new HarnessCredentialsHelper(pkg.credentialTypes, credentialStore);
	const additionalData = createAdditionalData(credentialsHelper, hooks, executionId, workflow.id);
	const returnedBefore = pkg.nodeTypes.returned.length;
	const run = await new WorkflowExecute(
		additionalData,
		mode,
		startingWith(startNode, opts.items),
	).processRunExecutionData(workflow);
	const returned = pkg.nodeTypes.returned.slice(returnedBefore);
	return {
		...toEngineRun(run, nodeUnderTest.name, executedNodes),
		returned: returned.length === 1 ? (returned[0] ?? undefined) : undefined,
	};
}

/** A new one per run: n8n's Workflow and WorkflowExecute may write to the nodes they are given. */
function newStartNode(): INode {
	return {
		id: 'harness-start',
		name: HARNESS_START_NODE_NAME,
		type: HARNESS_START_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
}

function nodeUnderTestOf(pkg: LoadedPackage, opts: RunNodeOptions): INode {
	const type = pkg.nodeTypes.resolveTypeName(opts.nodeType, pkg.packageName);
	const typeVersion = opts.typeVersion ?? pkg.nodeTypes.getDefaultVersion(type);
	const description = pkg.nodeTypes.getByNameAndVersion(type, typeVersion).description;
	const node: INode = {
		id: 'node-under-test',
		name: opts.nodeName ?? description.defaults.name ?? description.displayName,
		type,
		typeVersion,
		position: [220, 0],
		parameters: structuredClone(opts.parameters),
	};
	if (opts.onError !== undefined) node.onError = opts.onError;
	if (opts.retryOnFail !== undefined)
		Object.assign(node, { retryOnFail: true, ...opts.retryOnFail });
	return node;
}

/** "Harness Start" -> the node under test, as a Workflow (which fills in parameter defaults, as
 * when n8n loads a saved workflow) and as the stored workflow the lifecycle hooks get. */
function harnessWorkflow(
	pkg: LoadedPackage,
	startNode: INode,
	nodeUnderTest: INode,
): { workflow: Workflow; workflowData: IWorkflowBase } {
	const nodes = [startNode, nodeUnderTest];
	const main = NodeConnectionTypes.Main;
	const connections = {
		[HARNESS_START_NODE_NAME]: { [main]: [[{ node: nodeUnderTest.name, type: main, index: 0 }]] },
	};
	const settings = { executionOrder: 'v1' as const };
	const name = 'Engine harness';
	const workflow = new Workflow({
		id: 'engine-harness',
		name,
		nodes,
		connections,
		active: false,
		nodeTypes: pkg.nodeTypes,
		settings,
	});
	const now = new Date();
	const workflowData: IWorkflowBase = {
		id: workflow.id,
		name,
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes,
		connections,
		settings,
	};
	return { workflow, workflowData };
}

/**
 * Seeds the items the way n8n seeds a sub-workflow's "Execute Workflow Trigger": as the input of
 * the start node on the execution stack. The start node passes them on, so the node under test
 * gets a real parent (source + run data), which error-output routing and pairedItem need.
 */
function startingWith(startNode: INode, items: RunNodeOptions['items']) {
	const data = { [NodeConnectionTypes.Main]: [toExecutionItems(items)] };
	return createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node: startNode, data, source: null }] },
	});
}

// ---------------------------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------------------------

let executionCounter = 0;
let temporaryUserFolder: string | undefined;

function ensureEngineEnvironment(): void {
	if (process.env.N8N_USER_FOLDER === undefined) {
		temporaryUserFolder = mkdtempSync(path.join(tmpdir(), 'n8n-engine-harness-'));
		process.env.N8N_USER_FOLDER = temporaryUserFolder;
	}
	process.env.N8N_LOG_LEVEL ??= 'silent';
}

// Module scope runs while jest collects the test file, where hooks may be declared.
if (typeof afterAll === 'function') {
	afterAll(() => {
		if (temporaryUserFolder !== undefined)
			rmSync(temporaryUserFolder, { recursive: true, force: true });
	});
}

function resolvePackageRoot(dir: string): string {
	const absolute = path.resolve(dir);
	return path.basename(absolute) === 'dist' ? path.dirname(absolute) : absolute;
}

// ---------------------------------------------------------------------------------------------
// Node and credential types
// ---------------------------------------------------------------------------------------------

/** Passes the items it was started with on to its output, like Execute Workflow Trigger v1. */
class HarnessStart implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Start',
		name: 'harnessStart',
		group: ['trigger'],
		version: 1,
		description: 'Emits the items the engine harness seeded',
		defaults: { name: HARNESS_START_NODE_NAME },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** INodeTypes over one loaded package (keys `<packageName>.<node name>`) plus the start node. */
export class HarnessNodeTypes implements INodeTypes {
	private readonly loader: PackageDirectoryLoader;

	private readonly start = new HarnessStart();

	constructor(loader: PackageDirectoryLoader) {
		this.loader = loader;
	}

	resolveTypeName(nodeType: string, packageName: string): string {
		return nodeType.startsWith(`${packageName}.`) || nodeType === HARNESS_START_NODE_TYPE
			? nodeType
			: `${packageName}.${nodeType}`;
	}

	/** What the package's nodes returned from execute(), last call last (see EngineRun.returned). */
	readonly returned: Array<INodeExecutionData[][] | null> = [];

	private readonly recording = new Map<INodeType | IVersionedNodeType, INodeType>();

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		if (nodeType === HARNESS_START_NODE_TYPE) return this.start;
		const prefix = `${this.loader.packageName}.`;
		if (!nodeType.startsWith(prefix)) {
			throw new UnexpectedError(
				`Unknown node type "${nodeType}" (harness knows ${this.knownNames().join(', ')})`,
			);
		}
		return this.recordingReturns(this.loader.getNode(nodeType.slice(prefix.length)).type);
	}

	/** The node type, its execute() wrapped to keep a copy of what it returns. */
	private recordingReturns(type: INodeType | IVersionedNodeType): INodeType | IVersionedNodeType {
		if ('nodeVersions' in type || typeof type.execute !== 'function') return type;
		const known = this.recording.get(type);
		if (known !== undefined) return known;
		const execute = type.execute;
		const returned = this.returned;
		const wrapped: INodeType = Object.create(type) as INodeType;
		wrapped.execute = async function (this: IExecuteFunctions) {
			const output = await execute.call(this);
			returned.push(Array.isArray(output) ? structuredClone(output) : null);
			return output;
		};
		this.recording.set(type, wrapped);
		return wrapped;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const [name, details] of Object.entries(this.loader.known.nodes)) {
			known[`${this.loader.packageName}.${name}`] = { ...details };
		}
		return known;
	}

	/** The version the editor puts on a newly added node. */
	getDefaultVersion(nodeType: string): number {
		const type = this.getByName(nodeType);
		if ('nodeVersions' in type) return type.description.defaultVersion ?? type.currentVersion;
		const { version, defaultVersion } = type.description;
		return defaultVersion ?? (Array.isArray(version) ? Math.max(...version) : version);
	}

	private knownNames(): string[] {
		return [HARNESS_START_NODE_TYPE, ...Object.keys(this.getKnownTypes())];
	}
}

/** ICredentialTypes over one loaded package, like the CLI's CredentialTypes. */
export class HarnessCredentialTypes implements ICredentialTypes {
	private readonly loader: PackageDirectoryLoader;

	constructor(loader: PackageDirectoryLoader) {
		this.loader = loader;
	}

	recognizes(credentialType: string): boolean {
		return credentialType in this.loader.known.credentials;
	}

	getByName(credentialType: string): ICredentialType {
		return this.loader.getCredential(credentialType).type;
	}

	getSupportedNodes(type: string): string[] {
		const supported = this.loader.known.credentials[type]?.supportedNodes ?? [];
		return supported.map((name) => `${this.loader.packageName}.${name}`);
	}

	getParentTypes(typeName: string): string[] {
		return this.loader.known.credentials[typeName]?.extends ?? [];
	}
}

// ---------------------------------------------------------------------------------------------
// Credentials helper (stand-in for packages/cli/src/credentials-helper.ts)
// ---------------------------------------------------------------------------------------------

class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly credentialTypes: HarnessCredentialTypes;

	private readonly store: Map<string, ICredentialDataDecryptedObject>;

	constructor(
		credentialTypes: HarnessCredentialTypes,
		store: Map<string, ICredentialDataDecryptedObject>,
	) {
		super();
		this.credentialTypes = credentialTypes;
		this.store = store;
	}

	/** Adds the credential's authentication to the request, as the CLI does. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.credentialTypes.getByName(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate !== undefined) {
			throw new UnexpectedError(
				`Credential "${typeName}" authenticates declaratively (${authenticate.type}): not in the harness`,
			);
		}
		return requestOptions as IHttpRequestOptions;
	}

	/** n8n-core asks before every authenticated request; none of the loaded credentials has any. */
	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<undefined> {
		if (this.credentialTypes.getByName(typeName).preAuthentication !== undefined) {
			throw new UnexpectedError(`Credential "${typeName}" pre-authenticates: not in the harness`);
		}
		return undefined;
	}

	runPreAuthentication = notAvailable('Pre-authentication');

	getCredentials = notAvailable('A stored credential object');

	updateCredentials = notAvailable('Updating a stored credential');

	updateCredentialsOauthTokenData = notAvailable('OAuth token data');

	getParentTypes(typeName: string): string[] {
		return this.credentialTypes.getParentTypes(typeName);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const type = this.credentialTypes.getByName(credentialType);
		if (!type.restrictToSupportedNodes) return true;
		return this.credentialTypes.getSupportedNodes(credentialType).includes(nodeType);
	}

	/**
	 * The stored data with the type's defaults filled in and expressions resolved in the item's
	 * context, as the CLI's getDecrypted / applyDefaultsAndOverwrites returns it (without
	 * overwrites or external secrets). WorkflowExecute always passes expressionResolveValues.
	 */
	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		if (raw === true || expressionResolveValues === undefined) {
			throw new UnexpectedError('Decrypting a credential outside an item is not in the harness');
		}
		const withDefaults = (NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			this.storedData(type) as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as INodeParameters;
		const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
			expressionResolveValues;
		return workflow.expression.getParameterValue(
			withDefaults,
			runExecutionData,
			runIndex,
			itemIndex,
			node.name,
			connectionInputData,
			mode,
			getAdditionalKeys(additionalData, mode, null, { isCredential: true }),
			executeData,
			false,
			withDefaults,
		) as ICredentialDataDecryptedObject;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.credentialTypes.getByName(type);
		if (credentialType.extends !== undefined) {
			throw new UnexpectedError(`Credential "${type}" extends another: not in the harness`);
		}
		return credentialType.properties;
	}

	private storedData(type: string): ICredentialDataDecryptedObject {
		const data = this.store.get(type);
		if (data === undefined) {
			throw new UnexpectedError(`The harness was given no credential data of type "${type}"`);
		}
		return structuredClone(data);
	}
}

// ---------------------------------------------------------------------------------------------
// Execution plumbing
// ---------------------------------------------------------------------------------------------

function notAvailable(what: string): () => Promise<never> {
	return async () => {
		throw new UnexpectedError(`${what} is not available in the engine harness`);
	};
}

function createAdditionalData(
	credentialsHelper: HarnessCredentialsHelper,
	hooks: ExecutionLifecycleHooks,
	executionId: string,
	workflowId: string,
): IWorkflowExecuteAdditionalData {
	const baseUrl = 'http://localhost:5678';
	return {
		credentialsHelper,
		hooks,
		executionId,
		workflowId,
		userId: 'harness-user',
		currentNodeExecutionIndex: 0,
		restApiUrl: `${baseUrl}/rest`,
		instanceBaseUrl: `${baseUrl}/`,
		formBaseUrl: `${baseUrl}/form`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		formTestBaseUrl: `${baseUrl}/form-test`,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		mcpBaseUrl: `${baseUrl}/mcp`,
		mcpTestBaseUrl: `${baseUrl}/mcp-test`,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: notAvailable('Executing a sub-workflow'),
		getRunExecutionData: notAvailable('Loading another execution'),
		getRuntimeCredential: notAvailable('A runtime credential'),
		startRunnerTask: notAvailable('The task runner'),
		logAiEvent: () => {},
	};
}

function isExecutionItem(entry: INodeExecutionData | IDataObject): entry is INodeExecutionData {
	const { json } = entry;
	return typeof json === 'object' && json !== null && !Array.isArray(json);
}

function toExecutionItems(items: INodeExecutionData[] | IDataObject[]): INodeExecutionData[] {
	return items.map((entry) =>
		isExecutionItem(entry) ? structuredClone(entry) : { json: structuredClone(entry) },
	);
}

function toEngineRun(
	run: IRun,
	nodeName: string,
	executedNodes: string[],
): Omit<EngineRun, 'returned'> {
	const { runData, error } = run.data.resultData;
	const main = runData[nodeName]?.[0]?.data?.[NodeConnectionTypes.Main] ?? [];
	const engineRun: Omit<EngineRun, 'returned'> = {
		status: run.status === 'success' && error === undefined ? 'success' : 'error',
		outputs: main.map((branch) => branch ?? []),
		runData,
		executionStatus: run.status,
		executedNodes,
		nodeName,
		run,
	};
	if (error !== undefined) {
		engineRun.error = { message: error.message, description: error.description, name: error.name };
	}
	return engineRun;
}
