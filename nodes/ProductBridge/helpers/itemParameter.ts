import type { IExecuteFunctions } from 'n8n-workflow';

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
