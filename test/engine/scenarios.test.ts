/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Every row of the scenario table (test/scenarios/table.ts) inside n8n-core's engine
 * (WorkflowExecute, the package loaded from dist), each against a fresh ProductBridge stand-in.
 * This is the gate for the node's behaviour.
 */
import path from 'node:path';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { DEMO_USERS, startStandIn } from '../../tools/standin/server.ts';
import { forgetSharedFlows, loadPackage, runNode } from '../support/engine.ts';
import type { EngineRun, LoadedPackage } from '../support/engine.ts';
import {
	expectEffects,
	expectOutcome,
	fill,
	fillText,
	keyPieces,
	NODE_NAME,
	nodeParameters,
	removeBeforehand,
	watch,
	WRONG_KEY,
} from '../scenarios/check.ts';
import type { ActualRun, Places } from '../scenarios/check.ts';
import { SCENARIOS } from '../scenarios/table.ts';
import type { Scenario } from '../scenarios/types.ts';

const API_KEY = 'pb_scenarioTest_AbCdEfGhIjKlMnOpQrStUvWxYz0123';

let pkg: LoadedPackage;

beforeAll(async () => {
	pkg = await loadPackage(path.join(__dirname, '..', '..'));
});

/** What a workflow author sees of the run: both outputs, or the error that stopped it. */
function seen(run: EngineRun): ActualRun {
	if (run.status === 'error') {
		const error = run.run.data.resultData.error as
			| { context?: { itemIndex?: number }; node?: { name?: string } }
			| undefined;
		return {
			stop: {
				itemIndex: error?.context?.itemIndex ?? null,
				node: error?.node?.name,
				message: run.error?.message,
				description: run.error?.description,
				name: run.error?.name,
				httpCode: (run.run.data.resultData.error as { httpCode?: string | null } | undefined)
					?.httpCode,
			},
		};
	}
	const items = (list: INodeExecutionData[] | undefined) =>
		(list ?? []).map((item) => ({ json: item.json, pairedItem: item.pairedItem }));
	return { main: items(run.outputs[0]), error: items(run.outputs[1]) };
}

async function runScenario(row: Scenario): Promise<void> {
	// Each row is a fresh n8n process: nothing learned about the API carries over between rows.
	await forgetSharedFlows(pkg);
	const standIn = await startStandIn({
		apiKey: API_KEY,
		users: row.standIn?.users ?? DEMO_USERS,
		acceptAnyUser: row.standIn?.acceptAnyUser,
		seed: row.standIn?.seed,
	});
	try {
		const places: Places = { apiKey: API_KEY, url: standIn.url };
		await removeBeforehand(standIn, row.standIn?.alreadyRemoved ?? []);
		standIn.configure(fill(row.standIn?.faults ?? {}, places));
		const since = watch(standIn);

		const run = await runNode(pkg, {
			nodeType: 'productBridge',
			nodeName: NODE_NAME,
			parameters: fill(nodeParameters(row.node), places) as INodeParameters,
			items: fill([...row.items], places),
			credentials: {
				type: 'productBridgeApi',
				data: {
					apiKey: row.credential?.apiKey ?? (row.credential?.wrongKey ? WRONG_KEY : API_KEY),
					baseUrl: fillText(row.credential?.baseUrl ?? '{url}', places),
				},
			},
			onError: row.onError,
			retryOnFail: row.retryOnFail,
		});

		expectOutcome(seen(run), row, places);
		// n8n-core pairs a single output's items by index when the node leaves pairedItem out, which
		// would hide a node that drops it: every item the node itself returned must carry one.
		if (run.status === 'success') {
			expect(run.returned).toBeDefined();
			expect((run.returned ?? []).flat().filter((item) => item.pairedItem === undefined)).toEqual(
				[],
			);
		}
		const { calls, removed } = since();
		expectEffects(calls, removed, standIn.stats().maxInFlight, row.effects);
		const kept = JSON.stringify(run.run);
		for (const secret of [API_KEY, WRONG_KEY, ...(row.effects.neverShown ?? [])])
			expect(kept).not.toContain(secret);
		// A piece of a key is a leak too: the node masks any 6 characters of it.
		const leaked = [...keyPieces(API_KEY), ...keyPieces(WRONG_KEY)].filter((piece) =>
			kept.includes(piece),
		);
		expect(leaked).toEqual([]);
	} finally {
		await standIn.close();
	}
}

describe('the scenario table, in n8n-core’s engine', () => {
	it.each(SCENARIOS.map((row) => [row.name, row] as const))('%s', async (_, row) => {
		await runScenario(row);
	});
});
