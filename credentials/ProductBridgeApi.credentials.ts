import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';
import { jsonParse, UserError } from 'n8n-workflow';

import { readBaseUrl } from '../nodes/ProductBridge/transport/baseUrl';

export class ProductBridgeApi implements ICredentialType {
	name = 'productBridgeApi';

	displayName = 'ProductBridge API';

	icon: Icon = {
		light: 'file:../icons/productBridge.svg',
		dark: 'file:../icons/productBridge.dark.svg',
	};

	documentationUrl = 'https://github.com/productbridge/n8n-nodes-productbridge#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'pb_...',
			description:
				"Your organization's public API key (ProductBridge → Settings → API). It grants access to all of the organization's data.",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: 'https://api.productbridge.io',
			description:
				'Change only to reach a staging host or a local stand-in. HTTPS is required (plain HTTP only for this machine: localhost, 127.x.x.x); no user name, password, query or fragment. The node appends /api/external/v1/….',
		},
	];

	/**
	 * ProductBridge reads the key from the JSON body of every call, never from a header. A
	 * function rather than the generic `{ body: { api_key: '={{$credentials.apiKey}}' } }`: n8n 2.x
	 * evaluates every expression in an isolate, about 1 ms of CPU per request, which doubled the
	 * node's cost per item in bulk runs. The effect is the same, for this node and for the HTTP
	 * Request node using this credential.
	 *
	 * The key goes only to the Base URL's own origin, and only when the Base URL is safe to send it
	 * to (HTTPS, or plain HTTP to this machine): not to another host a request names, whichever
	 * node sends it.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const baseUrl = readBaseUrl(credentials.baseUrl);
		if (!baseUrl.ok) throw new UserError(baseUrl.problem);
		const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey.trim() : '';
		if (apiKey === '') throw new UserError('The ProductBridge API credential has no API key');
		const target = originOf(requestOptions);
		if (target !== baseUrl.origin) {
			throw new UserError(
				`The ProductBridge API key is only sent to the credential's Base URL (${baseUrl.origin}), not to ${target ?? 'this URL'}`,
			);
		}
		// A redirect would carry the body, key included, to wherever Location points: never follow one.
		return {
			...requestOptions,
			body: withApiKey(requestOptions.body, apiKey),
			disableFollowRedirect: true,
			maxRedirects: 0,
			// The same for requests built the legacy way (the HTTP Request node's), which n8n
			// passes here with their own option names.
			...({ followRedirect: false, followAllRedirects: false } as IDataObject),
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.baseUrl.replace(/\\/+$/, "").replace(/\\/api\\/external\\/v1$/, "")}}',
			url: '/api/external/v1/ping',
			method: 'POST',
			body: {},
			json: true,
			disableFollowRedirect: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'ProductBridge rejected the API key: check that it is the active public API key of your organization',
				},
			},
		],
	};
}

/** The request body with the key added; a JSON string body (HTTP Request node, raw JSON) too. */
function withApiKey(
	body: IHttpRequestOptions['body'],
	apiKey: unknown,
): IHttpRequestOptions['body'] {
	const fields =
		typeof body === 'string' ? jsonParse<unknown>(body, { fallbackValue: body }) : body;
	if (fields === undefined || fields === null || fields === '')
		return { api_key: apiKey as string };
	if (isPlainObject(fields)) return { ...fields, api_key: apiKey as string };
	// A form or binary body cannot carry a JSON field; ProductBridge will answer 401.
	return body;
}

/** Where the request goes; legacy requests (the HTTP Request node's) name it `uri`. */
function originOf(requestOptions: IHttpRequestOptions): string | undefined {
	const { url, baseURL, uri } = requestOptions as IHttpRequestOptions & { uri?: unknown };
	const target =
		typeof url === 'string' && url !== '' ? url : typeof uri === 'string' ? uri : undefined;
	try {
		return new URL(target ?? '', baseURL).origin;
	} catch {
		return undefined;
	}
}

function isPlainObject(value: unknown): value is IDataObject {
	return (
		typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
	);
}
