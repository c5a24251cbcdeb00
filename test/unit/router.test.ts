/**
 * The router with n8n's request helper stubbed: items in, paired output items or the error that
 * stops the node out, as n8n would receive them. No server and no build.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { router } from '../../nodes/ProductBridge/actions/router.ts';
import { deleteItem } from '../support/outputs.ts';
import type { CannedAnswer } from '../support/stubbedN8n.ts';
import { answer, envelope, gatewayPage, stubbedRun } from '../support/stubbedN8n.ts';

const ADA = '3f2a8c1e-4b5d-4e6f-9a0b-1c2d3e4f5a6b';
const GRACE = '0b9d4c6e-2f1a-4e3b-8c7d-6a5b4c3d2e1f';
const DELETED = answer(200, { success: true });
const NOT_LINKED = envelope(404, 'user not found');

const DELETE_BY_ID: IDataObject = {
	resource: 'user',
	operation: 'delete',
	identifyBy: 'userId',
	userId: '={{ $json.user_id }}',
	onNotFound: 'continue',
	// One request at a time, so the canned answers meet the items in order.
	options: { concurrency: 1 },
};

async function run(
	answers: CannedAnswer[],
	items: IDataObject[],
	{ parameters = DELETE_BY_ID, continueOnFail = false } = {},
) {
	const stubbed = stubbedRun({ answers, items, parameters, continueOnFail });
	return { output: router.call(stubbed.context), sent: stubbed.sent };
}

describe('router: Delete by user ID', () => {
	it('pairs each item with its outcome', async () => {
		const { output } = await run([DELETED, NOT_LINKED], [{ user_id: ADA }, { user_id: GRACE }]);
		await expect(output).resolves.toEqual([
			[
				{ json: deleteItem({ user_id: ADA, status: 'deleted' }), pairedItem: { item: 0 } },
				{ json: deleteItem({ user_id: GRACE, status: 'not_found' }), pairedItem: { item: 1 } },
			],
		]);
	});

	it('after a 502 and a 404, says nobody can know whether this run removed the user', async () => {
		const { output } = await run([gatewayPage(502), NOT_LINKED], [{ user_id: ADA }]);
		const [[item]] = await output;
		expect(item.json).toMatchObject({ status: 'deleted_or_not_found', deleted: null });
		expect(item.json.note).toEqual(expect.stringContaining('may or may not have removed them'));
	});

	it('stops at a rejected key with the item’s index, sending nothing more', async () => {
		const { output, sent } = await run(
			[envelope(401, 'invalid api_key'), DELETED],
			[{ user_id: ADA }, { user_id: GRACE }],
		);
		await expect(output).rejects.toBeInstanceOf(NodeApiError);
		await expect(output).rejects.toMatchObject({
			message: 'ProductBridge rejected the API key (1 item not sent)',
			context: { itemIndex: 0 },
		});
		expect(sent).toHaveLength(1);
	});

	it('with Continue, turns the rejected key into one error item per item', async () => {
		const { output, sent } = await run(
			[envelope(401, 'invalid api_key'), DELETED],
			[{ user_id: ADA }, { user_id: GRACE }],
			{ continueOnFail: true },
		);
		const [items] = await output;
		expect(items.map((item) => [item.json.error, item.pairedItem])).toEqual([
			['ProductBridge rejected the API key', { item: 0 }],
			['ProductBridge rejected the API key', { item: 1 }],
		]);
		expect(sent).toHaveLength(1);
	});

	it('stops before any request when an item’s id cannot be sent', async () => {
		const { output, sent } = await run([], [{ user_id: ADA }, { user_id: 'not-a-uuid' }]);
		await expect(output).rejects.toBeInstanceOf(NodeOperationError);
		await expect(output).rejects.toMatchObject({
			message: "'not-a-uuid' is not a valid user ID [item 1]",
		});
		expect(sent).toHaveLength(0);
	});

	it('fails the item that is not linked when told to, naming the user', async () => {
		const parameters = { ...DELETE_BY_ID, onNotFound: 'error' };
		const { output } = await run([NOT_LINKED], [{ user_id: ADA }], { parameters });
		await expect(output).rejects.toMatchObject({
			message: `ProductBridge has no user ${ADA} in this organization`,
			description: expect.stringContaining("Set 'If User Not Found' to 'Continue'"),
			context: { itemIndex: 0 },
		});
	});

	it('tells what the run had already removed when a later item stops it', async () => {
		const { output } = await run(
			[DELETED, gatewayPage(501)],
			[{ user_id: ADA }, { user_id: GRACE }],
		);
		await expect(output).rejects.toMatchObject({
			message: expect.stringContaining('(this run had already removed 1 user)'),
			description: expect.stringContaining(
				`Removed by this run before it stopped, and still removed: ${ADA}.`,
			),
			context: { itemIndex: 1 },
		});
	});
});

describe('router: Get by email', () => {
	const GET_BY_EMAIL: IDataObject = {
		...DELETE_BY_ID,
		operation: 'get',
		identifyBy: 'email',
		email: '={{ $json.email }}',
	};

	it('returns every documented field, null where ProductBridge sent none', async () => {
		const user = {
			id: '11111111-2222-4333-8444-555555555555',
			user_id: ADA,
			email: 'ada@example.com',
		};
		const { output, sent } = await run([answer(200, user)], [{ email: 'ada@example.com' }], {
			parameters: GET_BY_EMAIL,
		});
		const [[item]] = await output;
		expect(item).toEqual({
			json: {
				...user,
				name: null,
				avatar_url: null,
				portal_role: null,
				company_name: null,
				customer_status: null,
				created_at: null,
				status: 'found',
			},
			pairedItem: { item: 0 },
		});
		expect(sent[0].body).toEqual({ email: 'ada@example.com' });
	});

	it('rejects an option out of range for every item, with Continue', async () => {
		const parameters = { ...GET_BY_EMAIL, options: { maxRetries: 'three' } };
		const { output, sent } = await run([], [{ email: 'a@b.co' }, { email: 'c@d.co' }], {
			parameters,
			continueOnFail: true,
		});
		const [items] = await output;
		expect(items.map((item) => item.json.error)).toEqual([
			"Options → Max Retries must be a whole number from 0 to 10, not 'three'",
			"Options → Max Retries must be a whole number from 0 to 10, not 'three'",
		]);
		expect(sent).toHaveLength(0);
	});
});
