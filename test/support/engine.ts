/**
 * Engine-level test harness: runs a real two-node workflow ("Harness Start" -> the node under
 * test) inside n8n-core's own WorkflowExecute, so tests observe what n8n's engine decides, not
 * what a mocked IExecuteFunctions would do:
 *  - "On Error" handling (stopWorkflow / continueRegularOutput / continueErrorOutput), including
 *    the engine splitting failed items onto the error output and merging them with their input;
 *  - pairedItem bookkeeping;
 *  - credential injection: the node's `this.helpers.httpRequestWithAuthentication` is n8n-core's
 *    real helper, the credential type's `authenticate` is applied the way n8n's CLI applies it,
 *    and the request really goes out over HTTP.
 *
 * Real n8n pieces: PackageDirectoryLoader (loads the built package from its package.json "n8n"
 * section), Workflow (fills parameter defaults), WorkflowExecute, ExecutionLifecycleHooks,
 * ExecuteContext and its request helpers (OutboundHttp), n8n-workflow's expression engine.
 *
 * Stand-ins, because n8n keeps the real ones in the CLI package (`n8n`, not a dependency here):
 *  - HarnessCredentialsHelper mirrors packages/cli/src/credentials-helper.ts: authenticate
 *    (function or generic, `={{$credentials.x}}` resolved through the workflow's expression
 *    engine), preAuthentication, defaults + expression resolution in getDecrypted. It reads
 *    decrypted data from memory instead of the database; no overwrites, external secrets,
 *    dynamic credentials or AI gateway.
 *  - HarnessNodeTypes / HarnessCredentialTypes mirror the CLI's NodeTypes / CredentialTypes over
 *    one loaded package, plus the harness's own start node.
 *  - The additionalData object mirrors what the CLI's WorkflowExecuteAdditionalData.getBase
 *    builds; sub-workflows, task runners and AI events are not available.
 *
 * DI: n8n-core resolves its services (InstanceSettings, Logger, ErrorReporter, OutboundHttp,
 * ExecutionContextService, ...) from its own `@n8n/di` Container, which builds them on first use.
 * The harness never touches the container; it only steers n8n's own configuration through the
 * environment before the first service is built: N8N_USER_FOLDER (InstanceSettings writes its
 * settings file with an encryption key there; default would be ~/.n8n) and N8N_LOG_LEVEL (silent,
 * so ErrorReporter does not print every node error). Both are left alone when already set.
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
	ICredentialsEncrypted,
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
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	createRunExecutionData,
	ICredentials,
	ICredentialsHelper,
	isExpression,
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	Workflow,
} from 'n8n-workflow';

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export type OnErrorSetting = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

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
	onError?: OnErrorSetting;
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
 * Runs "Harness Start" -> node under test in n8n-core's WorkflowExecute and reports what the
 * engine decided. Workflow issues (e.g. a required parameter missing) reject, as n8n refuses to
 * start such a workflow.
 */
export async function runNode(pkg: LoadedPackage, opts: RunNodeOptions): Promise<EngineRun> {
	ensureEngineEnvironment();
	const mode: WorkflowExecuteMode = opts.mode ?? 'manual';
	const fullType = pkg.nodeTypes.resolveTypeName(opts.nodeType, pkg.packageName);
	const typeVersion = opts.typeVersion ?? pkg.nodeTypes.getDefaultVersion(fullType);
	const description = pkg.nodeTypes.getByNameAndVersion(fullType, typeVersion).description;
	const nodeName = opts.nodeName ?? description.defaults.name ?? description.displayName;

	const startNode: INode = {
		id: 'harness-start',
		name: HARNESS_START_NODE_NAME,
		type: HARNESS_START_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const nodeUnderTest: INode = {
		id: 'node-under-test',
		name: nodeName,
		type: fullType,
		typeVersion,
		position: [220, 0],
		parameters: structuredClone(opts.parameters),
	};
	if (opts.onError !== undefined) nodeUnderTest.onError = opts.onError;

	const credentialStore = new Map<string, ICredentialDataDecryptedObject>();
	if (opts.credentials) {
		nodeUnderTest.credentials = {
			[opts.credentials.type]: {
				id: 'harness-credential',
				name: `${opts.credentials.type} (harness)`,
			},
		};
		credentialStore.set(opts.credentials.type, structuredClone(opts.credentials.data));
	}

	const connections = {
		[HARNESS_START_NODE_NAME]: {
			[NodeConnectionTypes.Main]: [[{ node: nodeName, type: NodeConnectionTypes.Main, index: 0 }]],
		},
	};
	const settings = { executionOrder: 'v1' as const };
	// The Workflow constructor fills in parameter defaults, as when n8n loads a saved workflow.
	const workflow = new Workflow({
		id: 'engine-harness',
		name: 'Engine harness',
		nodes: [startNode, nodeUnderTest],
		connections,
		active: false,
		nodeTypes: pkg.nodeTypes,
		settings,
	});

	executionCounter += 1;
	const executionId = `harness-${executionCounter}`;
	const now = new Date();
	const workflowData: IWorkflowBase = {
		id: workflow.id,
		name: 'Engine harness',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes: [startNode, nodeUnderTest],
		connections,
		settings,
	};
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const executedNodes: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (name) => {
		executedNodes.push(name);
	});

	const credentialsHelper = new HarnessCredentialsHelper(
		pkg.credentialTypes,
		credentialStore,
		pkg.nodeTypes,
	);
	const additionalData = createAdditionalData(credentialsHelper, hooks, executionId, workflow.id);

	// Seed the items the way n8n seeds a sub-workflow's "Execute Workflow Trigger": as the input
	// of the start node on the execution stack. The start node passes them on, so the node under
	// test gets a real parent (source + run data), which error-output routing and pairedItem
	// resolution need.
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: startNode,
					data: { [NodeConnectionTypes.Main]: [toExecutionItems(opts.items)] },
					source: null,
				},
			],
		},
	});

	const run = await new WorkflowExecute(
		additionalData,
		mode,
		runExecutionData,
	).processRunExecutionData(workflow);
	return toEngineRun(run, nodeName, executedNodes);
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

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		if (nodeType === HARNESS_START_NODE_TYPE) return this.start;
		const prefix = `${this.loader.packageName}.`;
		if (!nodeType.startsWith(prefix)) {
			throw new UnexpectedError(
				`Unknown node type "${nodeType}" (harness knows ${this.knownNames().join(', ')})`,
			);
		}
		return this.loader.getNode(nodeType.slice(prefix.length)).type;
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
		const parents = this.loader.known.credentials[typeName]?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}
}

// ---------------------------------------------------------------------------------------------
// Credentials helper (stand-in for packages/cli/src/credentials-helper.ts)
// ---------------------------------------------------------------------------------------------

export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly credentialTypes: HarnessCredentialTypes;

	private readonly store: Map<string, ICredentialDataDecryptedObject>;

	private readonly nodeTypes: INodeTypes;

	constructor(
		credentialTypes: HarnessCredentialTypes,
		store: Map<string, ICredentialDataDecryptedObject>,
		nodeTypes: INodeTypes,
	) {
		super();
		this.credentialTypes = credentialTypes;
		this.store = store;
		this.nodeTypes = nodeTypes;
	}

	/** Adds the credential's authentication to the request, as the CLI does. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions;
		const { authenticate } = this.credentialTypes.getByName(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (typeof authenticate === 'object') {
			if (!workflow || !node) {
				throw new UnexpectedError(
					'Workflow and node are required for declarative credential authentication',
				);
			}
			if (requestOptions.headers === undefined) requestOptions.headers = {};
			if (authenticate.type === 'generic') {
				const options = requestOptions as unknown as Record<string, unknown>;
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
						const keyResolved = resolveCredentialValue(key, credentials, workflow, node);
						const valueResolved = resolveCredentialValue(value, credentials, workflow, node);
						if (!options[outerKey]) options[outerKey] = {};
						(options[outerKey] as Record<string, unknown>)[keyResolved] = valueResolved;
					}
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	/** Runs the credential type's preAuthentication when its expirable property is empty or
	 * expired, and keeps the refreshed data (in memory instead of the database). */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const expirableProperty = credentialType.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirableProperty?.name === undefined) return undefined;
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirableProperty.name] !== '' && !credentialsExpired) return undefined;

		const output = (await credentialType.preAuthentication.call(
			helpers,
			credentials,
		)) as ICredentialDataDecryptedObject;
		if (output[expirableProperty.name] === undefined) return undefined;
		if (node.credentials) {
			const stored = this.store.get(typeName) ?? {};
			const toPersist: ICredentialDataDecryptedObject = { ...stored };
			for (const [key, value] of Object.entries(output)) {
				if (key === expirableProperty.name || !isExpression(stored[key])) toPersist[key] = value;
			}
			await this.updateCredentials(node.credentials[typeName], typeName, toPersist);
			return Object.assign(credentials, output);
		}
		return undefined;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		return (await credentialType.preAuthentication.call(
			helpers,
			credentials,
		)) as ICredentialDataDecryptedObject;
	}

	getParentTypes(typeName: string): string[] {
		return this.credentialTypes.getParentTypes(typeName);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		let typeDef: ICredentialType;
		try {
			typeDef = this.credentialTypes.getByName(credentialType);
		} catch {
			return true;
		}
		if (!typeDef.restrictToSupportedNodes) return true;
		return this.credentialTypes.getSupportedNodes(credentialType).includes(nodeType);
	}

	/** n8n-core never calls this (only the CLI's own preAuthentication does). n8n-core's
	 * Credentials cannot be used here: its Cipher needs the CLI's database-backed encryption key
	 * provider, so this returns the data unencrypted. */
	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		return new InMemoryCredentials(nodeCredentials, type, this.storedData(type));
	}

	/** The stored data with the type's defaults filled in and expressions resolved, as the CLI's
	 * getDecrypted/applyDefaultsAndOverwrites returns it (without overwrites or secrets). */
	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const original = this.storedData(type);
		if (raw === true) return original;

		let decrypted = (NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			original as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;
		if (original.oauthTokenData !== undefined) decrypted.oauthTokenData = original.oauthTokenData;

		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
		if (expressionResolveValues) {
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
				expressionResolveValues;
			decrypted = workflow.expression.getParameterValue(
				decrypted as INodeParameters,
				runExecutionData,
				runIndex,
				itemIndex,
				node.name,
				connectionInputData,
				mode,
				additionalKeys,
				executeData,
				false,
				decrypted,
			) as ICredentialDataDecryptedObject;
		} else {
			const mockNode: INode = {
				id: 'credential-mock',
				name: '',
				type: HARNESS_START_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			};
			const workflow = new Workflow({
				nodes: [mockNode],
				connections: {},
				active: false,
				nodeTypes: this.nodeTypes,
			});
			decrypted = workflow.expression.getComplexParameterValue(
				mockNode,
				decrypted as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				decrypted,
			) as ICredentialDataDecryptedObject;
		}
		return decrypted;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.set(type, data);
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.set(type, { ...this.storedData(type), oauthTokenData: data.oauthTokenData });
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.credentialTypes.getByName(type);
		if (credentialType.extends === undefined) {
			if (['oAuth1Api', 'oAuth2Api'].includes(type)) {
				return [
					...credentialType.properties,
					{
						displayName: 'oauthTokenData',
						name: 'oauthTokenData',
						type: 'json',
						required: false,
						default: {},
					},
				];
			}
			return credentialType.properties;
		}
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			if (!this.credentialTypes.recognizes(parent)) {
				throw new UnexpectedError(
					`Credential "${type}" extends "${parent}", which the harness has not loaded`,
				);
			}
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}

	private storedData(type: string): ICredentialDataDecryptedObject {
		const data = this.store.get(type);
		if (data === undefined) {
			throw new UnexpectedError(`The harness was given no credential data of type "${type}"`);
		}
		return structuredClone(data);
	}
}

/** Plaintext ICredentials (see HarnessCredentialsHelper.getCredentials). */
class InMemoryCredentials extends ICredentials {
	private plain: ICredentialDataDecryptedObject;

	constructor(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	) {
		super(nodeCredentials, type);
		this.plain = data;
		this.data = JSON.stringify(data);
	}

	async getData(): Promise<ICredentialDataDecryptedObject> {
		return structuredClone(this.plain);
	}

	getDataToSave(): ICredentialsEncrypted {
		return { id: this.id, name: this.name, type: this.type, data: this.data };
	}

	async setData(data: ICredentialDataDecryptedObject): Promise<void> {
		this.plain = structuredClone(data);
		this.data = JSON.stringify(data);
	}

	async updateData(
		toUpdate: Partial<ICredentialDataDecryptedObject>,
		toDelete: Array<keyof ICredentialDataDecryptedObject> = [],
	): Promise<void> {
		const updated: ICredentialDataDecryptedObject = { ...this.plain };
		for (const [key, value] of Object.entries(toUpdate))
			if (value !== undefined) updated[key] = value;
		for (const key of toDelete) delete updated[key];
		await this.setData(updated);
	}
}

/** Resolves `={{$credentials.x}}` like the CLI's CredentialsHelper.resolveValue. */
function resolveCredentialValue(
	parameterValue: string,
	credentials: ICredentialDataDecryptedObject,
	workflow: Workflow,
	node: INode,
): string {
	if (!isExpression(parameterValue)) return parameterValue;
	const additionalKeys: IWorkflowDataProxyAdditionalKeys = { $credentials: credentials };
	const value = workflow.expression.getSimpleParameterValue(
		node,
		parameterValue,
		'internal',
		additionalKeys,
		undefined,
		'',
	);
	if (!value) return '';
	return value.toString();
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

function toEngineRun(run: IRun, nodeName: string, executedNodes: string[]): EngineRun {
	const { runData, error } = run.data.resultData;
	const main = runData[nodeName]?.[0]?.data?.[NodeConnectionTypes.Main] ?? [];
	const engineRun: EngineRun = {
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
