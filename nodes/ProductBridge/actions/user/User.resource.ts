import type { INodeProperties } from 'n8n-workflow';

import { toOperations } from '../node.type';
import * as userOperations from './operations';

export const operations = toOperations(userOperations);

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: Object.entries(operations).map(([value, operation]) => ({
			...operation.option,
			value,
		})),
		default: 'delete',
	},
	...Object.values(operations).flatMap((operation) => operation.description),
];
