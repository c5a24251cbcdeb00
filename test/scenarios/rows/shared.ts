/** What the scenario rows share: node parameter sets, expected texts and small builders. */
import type { ExpectedObject, JsonObject, TextMatch } from '../types.ts';

export const DELETE = { operation: 'delete' } as const;
export const DELETE_OR_FAIL = { operation: 'delete', onNotFound: 'error' } as const;
export const BY_EMAIL = { operation: 'delete', identifyBy: 'email' } as const;
export const GET = { operation: 'get' } as const;
export const GET_BY_EMAIL = { operation: 'get', identifyBy: 'email' } as const;

export const NOT_LINKED = (id: string) => `ProductBridge has no user ${id} in this organization`;
export const REJECTED_KEY = 'ProductBridge rejected the API key';
export const NOT_THE_API = (status: number) =>
	`The Base URL does not lead to ProductBridge's API: {host} answered HTTP ${status}, not in ProductBridge's format`;
export const OUTCOME_UNKNOWN_FIRST =
	'This request, or an earlier attempt of it, may have been carried out';
export const MAY_OR_MAY_NOT = 'may or may not have removed them';
export const override = (status: number, body: unknown, times = 1, path = '/users/delete') => ({
	statusOverride: [{ path, status, body, times }],
});

/** The item with its input fields and the error n8n routes to the error output. */
export const failed = (
	input: JsonObject,
	error: string | TextMatch,
	message: string | TextMatch,
): ExpectedObject => ({ ...input, error, message });
