import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

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
				'Change only to reach a staging host or a local stand-in. The node appends /api/external/v1/….',
		},
	];

	// ProductBridge reads the key from the JSON body of every call, never from a header.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			body: {
				api_key: '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.baseUrl.replace(/\\/+$/, "").replace(/\\/api\\/external\\/v1$/, "")}}',
			url: '/api/external/v1/ping',
			method: 'POST',
			body: {},
			json: true,
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
