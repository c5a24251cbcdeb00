import type { IExecuteFunctions } from 'n8n-workflow';

import { describeValue } from './describeValue';
import { invalidInputError } from './errors';

// Exactly `={{ $json.<field> }}`, as the User ID and Email defaults are.
const ITEM_FIELD_EXPRESSION = /^=\{\{\s*\$json\.([A-Za-z_$][\w$]*)\s*\}\}$/;

/**
 * A parameter's value for one item. A parameter that only names a field of the incoming item is
 * read from the item directly: the value n8n's expression engine would return, without its cost
 * (n8n 2.x evaluates each expression in an isolate, about 1 ms of CPU per item), which dominates
 * a run of thousands of items. Any other value or expression goes through n8n as usual.
 */
export function readItemParameter(
	context: IExecuteFunctions,
	name: string,
	itemIndex: number,
): unknown {
	const raw = context.getNode().parameters[name];
	const field = typeof raw === 'string' ? ITEM_FIELD_EXPRESSION.exec(raw)?.[1] : undefined;
	if (field === undefined) return context.getNodeParameter(name, itemIndex);
	return context.getInputData()[itemIndex]?.json[field];
}

/** A yes/no parameter that an expression may have set: a boolean or exactly "true"/"false". */
export function readFlag(
	context: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
): boolean {
	const value = context.getNodeParameter(name, itemIndex, false);
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw invalidInputError(
		context.getNode(),
		itemIndex,
		`${label} must be true or false, not ${describeValue(value)}`,
		`Check the value or the expression in '${label}'.`,
	);
}

/** One of a parameter's options, also when an expression set it. */
export function readChoice<T extends string>(
	context: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
	choices: readonly T[],
): T {
	const value = context.getNodeParameter(name, itemIndex);
	if (choices.includes(value as T)) return value as T;
	throw invalidInputError(
		context.getNode(),
		itemIndex,
		`${label} must be one of ${choices.map((choice) => `'${choice}'`).join(', ')}, not ${describeValue(value)}`,
		`Check the value or the expression in '${label}'.`,
	);
}
