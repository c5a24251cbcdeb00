/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Reading the User ID inside n8n-core's engine: `{{ $json.user_id }}` is read from the item
 * without n8n's expression engine, any other expression goes through it; both must see the same
 * value. Everything else User → Delete does is a row of the scenario table
 * (test/scenarios/table.ts, run by scenarios.test.ts).
 */
import path from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';

import { forgetSharedFlows, loadPackage, runNode } from '../support/engine.ts';
import type { LoadedPackage } from '../support/engine.ts';
import { startStandIn } from '../../tools/standin/server.ts';
import type { StandIn } from '../../tools/standin/server.ts';

const API_KEY = 'pb_engineTest_k3y_AbCdEfGhIjKlMnOpQrStUvWxYz0123';
const ADA = '240f6070-d2d3-4ce1-9461-5188bed8fc1d';
const GRACE = '98471b2d-47ef-4458-b30d-6ebea23bbd20';

let pkg: LoadedPackage;
let standIn: StandIn;

beforeAll(async () => {
	pkg = await loadPackage(path.join(__dirname, '..', '..'));
	standIn = await startStandIn({
		apiKey: API_KEY,
		users: [ADA, GRACE].map((user_id) => ({ user_id })),
	});
});

afterAll(async () => await standIn.close());

beforeEach(async () => await forgetSharedFlows(pkg));

const json = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.json);

describe('reading the User ID', () => {
	// `{{ $json.user_id }}` is read from the item without n8n's expression engine; any other
	// expression goes through it. Both must see the same value, whatever the item holds.
	it.each([
		['a UUID', ADA],
		['a padded UUID', `  ${GRACE}  `],
		['a number', 42],
		['an object', { id: ADA }],
		['nothing', undefined],
		['an empty string', ''],
	])('gives the same outcome through the shortcut and the engine for %s', async (_, value) => {
		const outcomes: unknown[] = [];
		for (const userId of ['={{ $json.user_id }}', '={{ $json["user_id"] }}']) {
			standIn.reset();
			const result = await runNode(pkg, {
				nodeType: 'productBridge',
				parameters: { resource: 'user', operation: 'delete', userId },
				items: [value === undefined ? {} : { user_id: value }],
				credentials: { type: 'productBridgeApi', data: { apiKey: API_KEY, baseUrl: standIn.url } },
				onError: 'continueRegularOutput',
			});
			// `at` is when each run's answer came: everything else must be the same.
			outcomes.push(json(result.outputs[0]).map((item) => ({ ...item, at: 'settled' })));
		}
		expect(outcomes[0]).toEqual(outcomes[1]);
	});
});
