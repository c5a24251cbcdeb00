/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Not sent is never unknown (issue 19, point 3): with n8n's SSRF protection on, a local Base URL
 * is refused inside n8n before anything leaves the process. The node says that nothing was sent
 * and stops as a configuration error, instead of "could not reach … the outcome is unknown".
 * A file of its own: the protection is read from the environment once per process (per jest file).
 */
import path from 'node:path';

import { loadPackage, runNode } from '../support/engine.ts';
import type { LoadedPackage } from '../support/engine.ts';
import { startStandIn } from '../../tools/standin/server.ts';
import type { StandIn } from '../../tools/standin/server.ts';

const API_KEY = 'pb_ssrfTest_Q7wErTyUiOpAsDfGhJkLzXcVbNm0123456';
const ADA = '240f6070-d2d3-4ce1-9461-5188bed8fc1d';
const GRACE = '98471b2d-47ef-4458-b30d-6ebea23bbd20';

let pkg: LoadedPackage;
let standIn: StandIn;
const protectionBefore = process.env.N8N_SSRF_PROTECTION_ENABLED;

beforeAll(async () => {
	process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
	pkg = await loadPackage(path.join(__dirname, '..', '..'));
	standIn = await startStandIn({ apiKey: API_KEY, users: [{ user_id: ADA }, { user_id: GRACE }] });
});

afterAll(async () => {
	await standIn.close();
	if (protectionBefore === undefined) delete process.env.N8N_SSRF_PROTECTION_ENABLED;
	else process.env.N8N_SSRF_PROTECTION_ENABLED = protectionBefore;
});

const run = async (onError: 'stopWorkflow' | 'continueErrorOutput') =>
	await runNode(pkg, {
		nodeType: 'productBridge',
		parameters: { resource: 'user', operation: 'delete', options: { maxRetries: 2 } },
		items: [{ user_id: ADA }, { user_id: GRACE }],
		credentials: { type: 'productBridgeApi', data: { apiKey: API_KEY, baseUrl: standIn.url } },
		onError,
	});

const blocked = () =>
	`Nothing was sent: n8n kept the request to ${new URL(standIn.url).host} from leaving (n8n’s SSRF protection blocks its address)`;

describe('a Base URL that n8n’s SSRF protection blocks', () => {
	it('fails every item as not sent, none as unknown, and sends nothing', async () => {
		const result = await run('continueErrorOutput');

		expect(result.outputs[0]).toEqual([]);
		expect((result.outputs[1] ?? []).map((item) => item.json)).toEqual([
			expect.objectContaining({ user_id: ADA, error: blocked() }),
			expect.objectContaining({ user_id: GRACE, error: blocked() }),
		]);
		expect(JSON.stringify(result.outputs[1])).not.toContain('unknown');
		expect(standIn.stats().requests).toBe(0);
	});

	it('with On Error = Stop, stops as a configuration error, counting the items not sent', async () => {
		const result = await run('stopWorkflow');

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`${blocked()} (2 items not sent)`);
		expect(result.error?.description).toContain('SSRF protection');
		expect(standIn.stats().requests).toBe(0);
	});
});
