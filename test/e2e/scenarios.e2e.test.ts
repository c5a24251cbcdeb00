/* eslint-disable @n8n/community-nodes/no-restricted-globals -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * The rows of the scenario table marked `e2e` (test/scenarios/table.ts), each as a workflow in a
 * real n8n: Manual Trigger → a Code node feeding the row's items → the ProductBridge node with
 * the row's parameters and On Error. `n8n execute` runs it against a fresh stand-in; both outputs
 * (or the error that stopped the run) and what the stand-in saw must match the row, as they do in
 * the engine (test/engine/scenarios.test.ts), and the API key must be nowhere in what n8n printed
 * or stored.
 */
import { randomBytes } from 'node:crypto';

import { DEMO_USERS, startStandIn } from '../../tools/standin/server.ts';
import {
	expectEffects,
	expectOutcome,
	fill,
	fillText,
	KEY_PIECE_LENGTH,
	NODE_NAME,
	nodeParameters,
	removeBeforehand,
	watch,
	WRONG_KEY,
} from '../scenarios/check.ts';
import type { ActualRun, Places } from '../scenarios/check.ts';
import { SCENARIOS } from '../scenarios/table.ts';
import type { Scenario } from '../scenarios/types.ts';
import { freePort, outputItems, prepareN8n, triggerWithItems } from '../support/n8n.ts';
import type { CredentialImport, ExecuteResult, N8nInstance, WorkflowJson } from '../support/n8n.ts';

const API_KEY = `pb_${randomBytes(33).toString('base64url').slice(0, 43)}`;
/** Where each output of the node leads, so that n8n's routing to the next node is tried too. */
const BRANCHES = ['Main output', 'Error output'] as const;
const N8N_SETUP_TIMEOUT_MS = 50 * 60_000;
const SCENARIO_TIMEOUT_MS = 4 * 60_000;

const SLICE = SCENARIOS.filter((row) => row.e2e === true);

let n8n: N8nInstance;
/** Every row's stand-in listens here, so the credentials imported once stay right. */
let places: Places;
let port: number;
const workflowIds = new Map<Scenario, string>();

/** One credential per distinct key and Base URL the slice uses. */
const credentials = new Map<string, CredentialImport>();

function credentialOf(row: Scenario): CredentialImport {
	const apiKey = row.credential?.apiKey ?? (row.credential?.wrongKey ? WRONG_KEY : API_KEY);
	const baseUrl = fillText(row.credential?.baseUrl ?? '{url}', places);
	const which = row.credential?.apiKey !== undefined ? JSON.stringify(apiKey) : undefined;
	const setting = `${which ?? (row.credential?.wrongKey ? 'wrong key' : 'key')} at ${baseUrl}`;
	const existing = credentials.get(setting);
	if (existing !== undefined) return existing;
	const credential: CredentialImport = {
		id: `pbE2eScnCred${String(credentials.size + 1).padStart(3, '0')}`,
		name: `ProductBridge (${setting})`,
		type: 'productBridgeApi',
		data: { apiKey, baseUrl },
	};
	credentials.set(setting, credential);
	return credential;
}

function workflowOf(row: Scenario, index: number, credential: CredentialImport): WorkflowJson {
	const id = `pbScnRow${String(index).padStart(3, '0')}`;
	const items = fill([...row.items], places).map((json) => ({ json }));
	return {
		id,
		name: `ProductBridge scenario: ${row.name}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			...triggerWithItems('Items', `return ${JSON.stringify(items, null, 2)};`),
			{
				name: NODE_NAME,
				type: 'n8n-nodes-productbridge.productBridge',
				typeVersion: 1,
				position: [440, 0],
				parameters: fill(nodeParameters(row.node), places),
				credentials: { productBridgeApi: { id: credential.id, name: credential.name } },
				onError: row.onError,
				...(row.retryOnFail ? { retryOnFail: true, ...row.retryOnFail } : {}),
			},
			...BRANCHES.map((name, index) => ({
				name,
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [660, index * 200] as [number, number],
				parameters: {},
			})),
		],
		connections: {
			Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
			Items: { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] },
			[NODE_NAME]: {
				main: (row.onError === 'continueErrorOutput' ? BRANCHES : BRANCHES.slice(0, 1)).map(
					(node) => [{ node, type: 'main', index: 0 }],
				),
			},
		},
		pinData: {},
	};
}

beforeAll(async () => {
	port = await freePort();
	places = { apiKey: API_KEY, url: `http://127.0.0.1:${port}` };
	n8n = await prepareN8n({ log: (line) => process.stderr.write(`[e2e scenarios] ${line}\n`) });

	const workflows = SLICE.map((row, index) => {
		const workflow = workflowOf(row, index, credentialOf(row));
		workflowIds.set(row, workflow.id);
		return workflow;
	});
	expect((await n8n.importCredential([...credentials.values()])).exitCode).toBe(0);
	expect((await n8n.importWorkflow(workflows)).exitCode).toBe(0);
}, N8N_SETUP_TIMEOUT_MS);

afterAll(async () => {
	await n8n?.cleanup();
});

/** What a workflow author sees of the execution: both outputs, or the error that stopped it. */
function seen(result: ExecuteResult): ActualRun {
	if (result.exitCode !== 0) {
		if (result.error === undefined)
			throw new Error(
				`n8n exited ${result.exitCode} without an execution:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
			);
		const { context, node } = result.error;
		return {
			stop: {
				itemIndex: typeof context?.itemIndex === 'number' ? context.itemIndex : null,
				node: typeof node?.name === 'string' ? node.name : undefined,
				message: result.error.message,
				description: result.error.description,
				name: result.error.name,
				httpCode: result.error.httpCode,
			},
		};
	}
	const items = (output: number) =>
		outputItems(result.runData, NODE_NAME, output).map((item) => ({
			json: item.json,
			pairedItem: item.pairedItem,
		}));
	return { main: items(0), error: items(1) };
}

describe('the scenario table, in a real n8n (the rows marked e2e)', () => {
	it('the slice tries every On Error setting, a stop and both outputs', () => {
		expect(new Set(SLICE.map((row) => row.onError))).toEqual(
			new Set(['stopWorkflow', 'continueRegularOutput', 'continueErrorOutput']),
		);
		expect(SLICE.some((row) => 'stop' in row.expected)).toBe(true);
		expect(
			SLICE.some((row) => 'error' in row.expected && (row.expected.error ?? []).length > 0),
		).toBe(true);
	});

	it.each(SLICE.map((row) => [row.name, row] as const))(
		'%s',
		async (_, row) => {
			const standIn = await startStandIn({
				port,
				apiKey: API_KEY,
				users: row.standIn?.users ?? DEMO_USERS,
				acceptAnyUser: row.standIn?.acceptAnyUser,
				seed: row.standIn?.seed,
			});
			try {
				await removeBeforehand(standIn, row.standIn?.alreadyRemoved ?? []);
				standIn.configure(fill(row.standIn?.faults ?? {}, places));
				const since = watch(standIn);
				const printedBefore = n8n.mark();

				const result = await n8n.execute(workflowIds.get(row) as string);

				const outcome = seen(result);
				expectOutcome(outcome, row, places);
				if ('main' in outcome)
					// The next node on each branch got exactly those items.
					[outcome.main, outcome.error].forEach((items, output) =>
						expect(outputItems(result.runData, BRANCHES[output]).map((item) => item.json)).toEqual(
							items.map((item) => item.json),
						),
					);
				const { calls, removed } = since();
				expectEffects(calls, removed, standIn.stats().maxInFlight, row.effects);
				// What this row's run printed and stored, whole or (the keys) in 6-character pieces.
				const leaks = [API_KEY, WRONG_KEY, ...(row.effects.neverShown ?? [])].flatMap((secret) =>
					n8n.findSecret(secret, {
						since: printedBefore,
						pieces: secret === API_KEY || secret === WRONG_KEY ? KEY_PIECE_LENGTH : undefined,
					}),
				);
				expect(leaks).toEqual([]);
			} finally {
				await standIn.close();
			}
		},
		SCENARIO_TIMEOUT_MS,
	);
});
