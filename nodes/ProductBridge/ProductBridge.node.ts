import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import { runOptionsDescription } from './actions/runOptions';
import * as user from './actions/user/User.resource';

export class ProductBridge implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ProductBridge',
		name: 'productBridge',
		icon: {
			light: 'file:../../icons/productBridge.svg',
			dark: 'file:../../icons/productBridge.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Remove users from ProductBridge when they leave or ask to be forgotten',
		defaults: { name: 'ProductBridge' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'productBridgeApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'User', value: 'user' }],
				default: 'user',
			},
			...user.description,
			{
				displayName:
					"To send failed items to a separate branch instead of stopping the workflow, open this node's Settings and set On Error to 'Continue (using error output)'",
				name: 'errorRoutingNotice',
				type: 'notice',
				default: '',
			},
			runOptionsDescription,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
