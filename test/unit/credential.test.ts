/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
import type { IHttpRequestOptions } from 'n8n-workflow';

import { ProductBridgeApi } from '../../credentials/ProductBridgeApi.credentials.ts';

const credential = new ProductBridgeApi();
const KEY = 'pb_unitTest_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';

const authenticated = async (body: IHttpRequestOptions['body']) =>
	await credential.authenticate(
		{ apiKey: KEY, baseUrl: 'https://api.productbridge.io' },
		{ url: 'https://api.productbridge.io/api/external/v1/users/delete', method: 'POST', body },
	);

describe('the ProductBridge API credential', () => {
	it('puts the key into the JSON body, beside the fields already there', async () => {
		const options = await authenticated({ user_id: 'u1' });

		expect(options.body).toEqual({ user_id: 'u1', api_key: KEY });
		expect(options.headers).toBeUndefined();
		expect(options.qs).toBeUndefined();
	});

	it('creates the body when the request has none (the credential test)', async () => {
		expect((await authenticated(undefined)).body).toEqual({ api_key: KEY });
	});

	it('adds the key to a raw JSON body, as the HTTP Request node may send one', async () => {
		expect((await authenticated('{"user_id":"u2"}')).body).toEqual({ user_id: 'u2', api_key: KEY });
	});

	it('leaves a body that cannot carry a JSON field alone', async () => {
		const form = new URLSearchParams({ user_id: 'u3' });
		expect((await authenticated(form)).body).toBe(form);
		expect((await authenticated('user_id=u3')).body).toBe('user_id=u3');
	});

	it('never follows a redirect, which would carry the key elsewhere', async () => {
		expect(await authenticated({})).toMatchObject({ disableFollowRedirect: true, maxRedirects: 0 });
		expect(credential.test.request.disableFollowRedirect).toBe(true);
	});

	it('refuses to send the key to another origin or through an unusable Base URL', async () => {
		await expect(
			credential.authenticate(
				{ apiKey: KEY, baseUrl: 'https://api.productbridge.io' },
				{ url: 'https://evil.example/x' },
			),
		).rejects.toThrow('only sent to the credential');
		await expect(
			credential.authenticate(
				{ apiKey: KEY, baseUrl: 'http://api.productbridge.io' },
				{ url: 'http://api.productbridge.io/x' },
			),
		).rejects.toThrow('HTTPS only');
	});

	it("adds the key to a legacy request naming its target `uri`, as the HTTP Request node's does", async () => {
		const legacy = {
			uri: 'https://api.productbridge.io/api/external/v1/users/delete',
			body: { user_id: 'u5' },
		};
		const options = await credential.authenticate(
			{ apiKey: KEY, baseUrl: 'https://api.productbridge.io' },
			legacy as unknown as IHttpRequestOptions,
		);
		expect(options.body).toEqual({ user_id: 'u5', api_key: KEY });
		expect(options).toMatchObject({ followRedirect: false, followAllRedirects: false });
	});

	it('sends the key trimmed, and no request without one', async () => {
		const options = await credential.authenticate(
			{ apiKey: `  ${KEY} `, baseUrl: 'https://api.productbridge.io' },
			{ url: 'https://api.productbridge.io/api/external/v1/ping', body: {} },
		);
		expect(options.body).toEqual({ api_key: KEY });
		await expect(
			credential.authenticate(
				{ apiKey: ' ', baseUrl: 'https://api.productbridge.io' },
				{ url: 'https://api.productbridge.io/x' },
			),
		).rejects.toThrow('no API key');
	});

	it('does not change the request it was given', async () => {
		const body = { user_id: 'u4' };
		await authenticated(body);
		expect(body).toEqual({ user_id: 'u4' });
	});

	it('tests a key with POST /ping on the configured host and explains a 401', () => {
		expect(credential.test.request).toMatchObject({ url: '/api/external/v1/ping', method: 'POST' });
		expect(credential.test.rules).toEqual([
			expect.objectContaining({
				type: 'responseCode',
				properties: expect.objectContaining({ value: 401 }),
			}),
		]);
	});
});
