/**
 * The transport through its public API, with n8n's request helper stubbed: each canned answer is
 * what n8n 1.x or 2.x hands the node, and each test asserts the outcome or the failure text the
 * node gets back. No server and no build; the engine and e2e layers show the rest.
 */
import { ProductBridgeClient } from '../../nodes/ProductBridge/transport/index.ts';
import type { TransportSettings } from '../../nodes/ProductBridge/transport/index.ts';
import type { CannedAnswer } from '../support/stubbedN8n.ts';
import {
	answer,
	envelope,
	gatewayPage,
	networkFailureN8n1,
	networkFailureN8n2,
	stubbedRun,
} from '../support/stubbedN8n.ts';

const SETTINGS: TransportSettings = {
	concurrency: 4,
	maxRetries: 2,
	requestTimeout: 10_000,
	maxRateLimitWait: 300,
};
const ADA = '3f2a8c1e-4b5d-4e6f-9a0b-1c2d3e4f5a6b';
const GRACE = '0b9d4c6e-2f1a-4e3b-8c7d-6a5b4c3d2e1f';
const HOST = 'api.productbridge.io';
const DELETED = answer(200, { success: true });
const NOT_LINKED = envelope(404, 'user not found');

async function clientFor(answers: CannedAnswer[], settings: Partial<TransportSettings> = {}) {
	const run = stubbedRun({ answers });
	const client = await ProductBridgeClient.create(run.context, { ...SETTINGS, ...settings });
	return { client, ...run };
}

describe('deleteUser through n8n’s request helper', () => {
	it('sends the user id to /users/delete and reads 200 {"success": true} as deleted', async () => {
		const { client, sent } = await clientFor([DELETED]);
		await expect(client.deleteUser(ADA)).resolves.toEqual({ deleted: true });
		expect(sent).toHaveLength(1);
		expect(sent[0].credentialType).toBe('productBridgeApi');
		expect(sent[0].url).toBe(`https://${HOST}/api/external/v1/users/delete`);
		expect(sent[0].body).toEqual({ user_id: ADA });
		expect(sent[0].options).toMatchObject({
			method: 'POST',
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
		});
	});

	it('reads ProductBridge’s 404 as not linked, with nothing lost on the way', async () => {
		const { client } = await clientFor([NOT_LINKED]);
		await expect(client.deleteUser(ADA)).resolves.toEqual({
			deleted: false,
			outcomeUnknown: false,
		});
	});

	it('retries a gateway’s 502 and reads the next answer', async () => {
		const { client, sent } = await clientFor([gatewayPage(502), DELETED]);
		await expect(client.deleteUser(ADA)).resolves.toEqual({ deleted: true });
		expect(sent).toHaveLength(2);
	});

	it('after a 502, a 404 may be its own doing: not found, the outcome unknown', async () => {
		const { client } = await clientFor([gatewayPage(502), NOT_LINKED]);
		await expect(client.deleteUser(ADA)).resolves.toEqual({
			deleted: false,
			outcomeUnknown: true,
		});
	});

	it('gives up on 502s after Max Retries, saying the outcome is unknown', async () => {
		const { client, sent } = await clientFor([gatewayPage(502), gatewayPage(502)], {
			maxRetries: 1,
		});
		await expect(client.deleteUser(ADA)).rejects.toMatchObject({
			kind: 'gaveUp',
			outcomeUnknown: true,
			message:
				'ProductBridge failed with a server error (HTTP 502) (after 2 attempts); the outcome is unknown',
		});
		expect(sent).toHaveLength(2);
	});

	it('stops the whole execution at a 401: later calls send nothing', async () => {
		const { client, sent } = await clientFor([envelope(401, 'invalid api_key'), DELETED]);
		const rejected = {
			kind: 'rejectedKey',
			message: 'ProductBridge rejected the API key',
			httpCode: '401',
		};
		await expect(client.deleteUser(ADA)).rejects.toMatchObject(rejected);
		await expect(client.deleteUser(GRACE)).rejects.toMatchObject(rejected);
		await expect(client.retrieveUser({ email: 'ada@example.com' })).rejects.toMatchObject(rejected);
		expect(sent).toHaveLength(1);
	});

	it('refuses a 422 with the fields ProductBridge named', async () => {
		const invalid = answer(422, {
			detail: [{ type: 'uuid_parsing', loc: ['body', 'user_id'], msg: 'Input should be a UUID' }],
		});
		const { client } = await clientFor([invalid]);
		await expect(client.deleteUser(ADA)).rejects.toMatchObject({
			kind: 'refused',
			message: 'ProductBridge rejected the request as invalid',
			description: 'user_id: Input should be a UUID',
		});
	});

	it('treats a 200 in a foreign shape as an unknown outcome and stops', async () => {
		const page = answer(200, '<html>Welcome</html>', { 'content-type': 'text/html' });
		const { client, sent } = await clientFor([page, DELETED]);
		const foreign = {
			kind: 'notProductBridge',
			outcomeUnknown: true,
			message: `The Base URL does not lead to ProductBridge's API: ${HOST} answered HTTP 200, not in ProductBridge's format`,
			description: expect.stringContaining(
				'It answered: text/html (20 bytes), "<html>Welcome</html>".',
			),
		};
		await expect(client.deleteUser(ADA)).rejects.toMatchObject(foreign);
		await expect(client.deleteUser(GRACE)).rejects.toMatchObject({ kind: 'notProductBridge' });
		expect(sent).toHaveLength(1);
	});

	it('never follows a redirect and says so', async () => {
		const moved = answer(301, '', { location: 'https://www.productbridge.io/' });
		const { client } = await clientFor([moved]);
		const failure = client.deleteUser(ADA);
		await expect(failure).rejects.toMatchObject({ kind: 'notProductBridge', httpCode: '301' });
		await expect(failure).rejects.toHaveProperty(
			'description',
			expect.stringContaining('It answered: a redirect to https://www.productbridge.io/.'),
		);
	});

	it('keeps the key out of a refusal that echoes it', async () => {
		const { client, credentials, answers } = await clientFor([]);
		const key = credentials.apiKey as string;
		answers.push(envelope(400, `bad request for api_key=${key}`));
		const failure = await client.deleteUser(ADA).then(
			() => undefined,
			(error: Error & { description: string }) => error,
		);
		expect(failure?.message).toMatch(/^ProductBridge refused the request \(HTTP 400\): /);
		expect(`${failure?.message} ${failure?.description}`).not.toContain(key.slice(3, 12));
	});
});

describe('network failures as n8n rejects them', () => {
	it.each([
		['n8n 2.x', networkFailureN8n2('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443')],
		['n8n 1.x', networkFailureN8n1('ECONNREFUSED', 'The service refused the connection')],
	])(
		'%s: a refused connection is retried, and the retry’s 404 is a plain not found',
		async (_, error) => {
			const { client, sent } = await clientFor([error, NOT_LINKED]);
			await expect(client.deleteUser(ADA)).resolves.toEqual({
				deleted: false,
				outcomeUnknown: false,
			});
			expect(sent).toHaveLength(2);
		},
	);

	it.each([
		['n8n 2.x', networkFailureN8n2('ECONNRESET', 'socket hang up')],
		['n8n 1.x', networkFailureN8n1('ECONNRESET', 'socket hang up')],
	])('%s: a reset connection may have delivered the delete', async (_, error) => {
		const { client } = await clientFor([error, NOT_LINKED]);
		await expect(client.deleteUser(ADA)).resolves.toEqual({
			deleted: false,
			outcomeUnknown: true,
		});
	});

	it.each([
		['n8n 2.x', networkFailureN8n2('ENOTFOUND', 'getaddrinfo ENOTFOUND api.productbridge.io')],
		['n8n 1.x', networkFailureN8n1('ENOTFOUND', 'The DNS server returned an error')],
	])('%s: an unknown host is not retried and names the code', async (_, error) => {
		const { client, sent } = await clientFor([error]);
		const failure = client.deleteUser(ADA);
		await expect(failure).rejects.toMatchObject({
			kind: 'gaveUp',
			outcomeUnknown: false,
			message: `Could not reach ProductBridge at ${HOST}`,
		});
		await expect(failure).rejects.toHaveProperty(
			'description',
			expect.stringMatching(/^ENOTFOUND: .+\. Check the credential's Base URL and the network\.$/),
		);
		expect(sent).toHaveLength(1);
	});

	it('gives up after Max Retries of resets, saying the outcome is unknown', async () => {
		const reset = () => networkFailureN8n2('ECONNRESET', 'socket hang up');
		const { client } = await clientFor([reset(), reset()], { maxRetries: 1 });
		await expect(client.deleteUser(ADA)).rejects.toMatchObject({
			kind: 'gaveUp',
			outcomeUnknown: true,
			message: `Could not reach ProductBridge at ${HOST} (after 2 attempts); the outcome is unknown`,
		});
	});
});

describe('retrieveUser through n8n’s request helper', () => {
	const user = {
		id: '11111111-2222-4333-8444-555555555555',
		user_id: ADA,
		email: 'ada@example.com',
		name: 'Ada',
		portal_role: 'end_user',
	};

	it('returns the user, without any api_key the server echoed', async () => {
		const { client, sent } = await clientFor([answer(200, { ...user, api_key: 'pb_echo' })]);
		await expect(client.retrieveUser({ email: 'ada@example.com' })).resolves.toEqual({
			found: true,
			user,
		});
		expect(sent[0].url).toBe(`https://${HOST}/api/external/v1/users/retrieve`);
		expect(sent[0].body).toEqual({ email: 'ada@example.com' });
	});

	it('reads a 404 envelope as not found', async () => {
		const { client } = await clientFor([NOT_LINKED]);
		await expect(client.retrieveUser({ user_id: ADA })).resolves.toEqual({ found: false });
	});

	it('stops when the answer is about somebody else', async () => {
		const { client } = await clientFor([answer(200, { ...user, email: 'grace@example.com' })]);
		await expect(client.retrieveUser({ email: 'ada@example.com' })).rejects.toMatchObject({
			kind: 'notProductBridge',
			description: expect.stringContaining('It answered: a user other than the one asked for.'),
		});
	});

	it('waits out a 429’s Retry-After and then reads the user', async () => {
		const limited = envelope(429, 'too many requests');
		limited.headers['retry-after'] = '0';
		const { client, sent } = await clientFor([limited, answer(200, user)]);
		await expect(client.retrieveUser({ user_id: ADA })).resolves.toMatchObject({ found: true });
		expect(sent).toHaveLength(2);
	});
});
