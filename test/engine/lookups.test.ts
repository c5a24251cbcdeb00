/**
 * Finding users by email: User → Get, Delete by email, and Delete's dry run, in n8n-core's
 * engine against the local stand-in.
 */
import path from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { loadPackage, runNode } from '../support/engine.ts';
import { deleteItem, NO_USER } from '../support/outputs.ts';
import type { EngineRun, LoadedPackage, OnErrorSetting } from '../support/engine.ts';
import { startStandIn } from '../../tools/standin/server.ts';
import type { SeedUser, StandIn } from '../../tools/standin/server.ts';

const API_KEY = 'pb_lookupTest_AbCdEfGhIjKlMnOpQrStUvWxYz012345';

const ADA: SeedUser = {
	id: '424a164b-3650-4b35-8a79-f88452a95093',
	user_id: '240f6070-d2d3-4ce1-9461-5188bed8fc1d',
	email: 'ada.lovelace@example.com',
	name: 'Ada Lovelace',
};
const GRACE: SeedUser = {
	id: 'b3171fb0-03a6-43dd-8128-805829e8b331',
	user_id: '98471b2d-47ef-4458-b30d-6ebea23bbd20',
	email: 'grace.hopper@example.com',
	name: 'Grace Hopper',
};
const NOBODY = 'nobody@example.com';

let pkg: LoadedPackage;
let standIn: StandIn;

beforeAll(async () => {
	pkg = await loadPackage(path.join(__dirname, '..', '..'));
	standIn = await startStandIn({ apiKey: API_KEY, users: [ADA, GRACE] });
});

afterAll(async () => await standIn.close());

beforeEach(() => standIn.reset());

async function run(
	operation: 'get' | 'delete',
	parameters: IDataObject,
	items: IDataObject[],
	onError?: OnErrorSetting,
): Promise<EngineRun> {
	const result = await runNode(pkg, {
		nodeType: 'productBridge',
		parameters: { resource: 'user', operation, ...parameters },
		items,
		credentials: { type: 'productBridgeApi', data: { apiKey: API_KEY, baseUrl: standIn.url } },
		onError,
	});
	expect(JSON.stringify(result.run)).not.toContain(API_KEY);
	return result;
}

const json = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.json);
const paths = () => standIn.calls.map((call) => call.path.replace('/api/external/v1', ''));

describe('User → Get', () => {
	it('returns the user object as ProductBridge sends it, by id', async () => {
		const result = await run('get', {}, [{ user_id: ADA.user_id }]);

		expect(result.outputs[0]).toHaveLength(1);
		expect(result.outputs[0][0].json).toMatchObject({
			id: ADA.id,
			user_id: ADA.user_id,
			email: ADA.email,
			name: 'Ada Lovelace',
			portal_role: 'end_user',
		});
		expect(Object.keys(result.outputs[0][0].json)).toEqual(
			expect.arrayContaining(['avatar_url', 'company_name', 'customer_status', 'created_at']),
		);
		expect(result.outputs[0][0].pairedItem).toEqual({ item: 0 });
	});

	it('finds a user by email, exactly as typed', async () => {
		const result = await run('get', { identifyBy: 'email' }, [
			{ email: ` ${GRACE.email} ` },
			{ email: 'Grace.Hopper@example.com' },
		]);

		expect(json(result.outputs[0])).toEqual([
			expect.objectContaining({ user_id: GRACE.user_id }),
			{ ...NO_USER, email: 'Grace.Hopper@example.com', status: 'not_found' },
		]);
		expect(standIn.calls.map((call) => call.email)).toEqual([
			GRACE.email,
			'Grace.Hopper@example.com',
		]);
	});

	it("continues with status 'not_found' and the identifier, without an error key", async () => {
		const result = await run('get', {}, [{ user_id: '5a0b3c9e-1111-4222-8333-944455556666' }]);

		expect(json(result.outputs[0])).toEqual([
			{ ...NO_USER, user_id: '5a0b3c9e-1111-4222-8333-944455556666', status: 'not_found' },
		]);
	});

	it('fails the item when set to, on the error output with its input fields', async () => {
		const result = await run(
			'get',
			{ identifyBy: 'email', onNotFound: 'error' },
			[{ email: NOBODY, row: 7 }],
			'continueErrorOutput',
		);

		expect(result.outputs[0]).toEqual([]);
		expect(result.outputs[1][0].json).toMatchObject({
			email: NOBODY,
			row: 7,
			error: `ProductBridge has no user with email ${NOBODY} in this organization`,
		});
	});

	it('fails an empty or malformed email before any request', async () => {
		const result = await run(
			'get',
			{ identifyBy: 'email' },
			[{ email: '' }, { email: 'ada at example.com' }, { email: 'ada@localhost' }],
			'continueErrorOutput',
		);

		expect(json(result.outputs[1]).map((item) => item.error)).toEqual([
			'No email [item 0]',
			"'ada at example.com' is not a valid email address [item 1]",
			"'ada@localhost' is not a valid email address [item 2]",
		]);
		expect(standIn.stats().requests).toBe(0);
	});
});

describe('User → Delete by email', () => {
	it('looks the user up, deletes it by its user_id and reports email and name', async () => {
		const result = await run('delete', { identifyBy: 'email' }, [{ email: ADA.email }]);

		expect(json(result.outputs[0])).toEqual([
			deleteItem({ user_id: ADA.user_id, email: ADA.email, name: 'Ada Lovelace', status: 'deleted' }),
		]);
		expect(paths()).toEqual(['/users/retrieve', '/users/delete']);
		// The user_id, never the membership row's id.
		expect(standIn.calls[1].userId).toBe(ADA.user_id);
		expect(standIn.deletedUserIds()).toEqual([ADA.user_id]);
	});

	it('treats an email that is not linked as not found, following If User Not Found', async () => {
		const continued = await run('delete', { identifyBy: 'email' }, [{ email: NOBODY }]);
		expect(json(continued.outputs[0])).toEqual([
			deleteItem({ email: NOBODY, status: 'not_found' }),
		]);
		expect(paths()).toEqual(['/users/retrieve']);

		const failed = await run('delete', { identifyBy: 'email', onNotFound: 'error' }, [{ email: NOBODY }]);
		expect(failed.status).toBe('error');
		expect(failed.error?.message).toBe(
			`ProductBridge has no user with email ${NOBODY} in this organization`,
		);
	});

	it('keeps what the lookup found when the user is removed before the delete arrives', async () => {
		standIn.configure({
			statusOverride: [{ path: '/users/delete', status: 404, body: { detail: { error: 'user not found' } }, times: 1 }],
		});
		const result = await run('delete', { identifyBy: 'email' }, [{ email: GRACE.email }]);

		expect(json(result.outputs[0])).toEqual([
			deleteItem({ user_id: GRACE.user_id, email: GRACE.email, name: 'Grace Hopper', status: 'not_found' }),
		]);
	});

	it('looks up and deletes a person listed twice only once', async () => {
		const result = await run('delete', { identifyBy: 'email' }, [{ email: ADA.email }, { email: ADA.email }]);

		expect(json(result.outputs[0]).map((item) => item.status)).toEqual(['deleted', 'deleted']);
		expect(paths()).toEqual(['/users/retrieve', '/users/delete']);
	});

	it('keeps each outcome with its own item in a mixed batch', async () => {
		const result = await run(
			'delete',
			{ identifyBy: 'email', options: { concurrency: 4 } },
			[{ email: GRACE.email }, { email: NOBODY }, { email: 'broken' }, { email: ADA.email }],
			'continueErrorOutput',
		);

		expect(json(result.outputs[0]).map((item) => [item.email, item.status])).toEqual([
			[GRACE.email, 'deleted'],
			[NOBODY, 'not_found'],
			[ADA.email, 'deleted'],
		]);
		expect(result.outputs[0].map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 3 },
		]);
		expect(json(result.outputs[1])).toEqual([
			expect.objectContaining({ email: 'broken', error: "'broken' is not a valid email address [item 2]" }),
		]);
	});
});

describe('Delete with Dry Run', () => {
	it('reports who would be deleted and who is not found, and deletes nobody', async () => {
		const result = await run('delete', { identifyBy: 'email', options: { dryRun: true } }, [
			{ email: ADA.email },
			{ email: NOBODY },
		]);

		expect(json(result.outputs[0])).toEqual([
			deleteItem({ user_id: ADA.user_id, email: ADA.email, name: 'Ada Lovelace', status: 'would_delete' }),
			deleteItem({ email: NOBODY, status: 'not_found' }),
		]);
		expect(standIn.stats().byPath['/api/external/v1/users/delete']).toBeUndefined();
		expect(standIn.deletedUserIds()).toEqual([]);
	});

	it('looks users up by id too', async () => {
		const result = await run('delete', { options: { dryRun: true } }, [
			{ user_id: GRACE.user_id },
			{ user_id: '5a0b3c9e-1111-4222-8333-944455556666' },
		]);

		expect(json(result.outputs[0]).map((item) => item.status)).toEqual(['would_delete', 'not_found']);
		expect(paths()).toEqual(['/users/retrieve', '/users/retrieve']);
	});
});
