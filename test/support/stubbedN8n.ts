/**
 * The node's side of n8n without n8n: a typed fake of the execution context whose request helper
 * (`helpers.httpRequestWithAuthentication`) hands back canned answers, in the shapes n8n really
 * returns for the options the transport sends (`returnFullResponse: true`, `encoding: 'text'`,
 * `ignoreHttpStatusErrors: true`), and throws what n8n throws when no answer comes.
 *
 * What n8n 2.x does (n8n-core's `httpRequestWithAuthentication`, @n8n/backend-network's
 * `httpRequest`): a full response is `{ body, headers, statusCode, statusMessage }`, the body the
 * raw text, the headers axios' (lower-case names); every status is an answer. A request that
 * gets no answer rejects with `new NodeApiError(node, axiosError)`, which keeps the axios error
 * as its `cause` (code `ECONNREFUSED`, `ECONNRESET`…). n8n 1.x wraps the same way, but its
 * NodeApiError keeps no cause: the code survives only as `httpCode`, and the message is n8n's own
 * text for it.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INode,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

export const NODE: INode = {
	id: 'stubbed-productbridge',
	name: 'ProductBridge',
	type: 'n8n-nodes-productbridge.productBridge',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** What the request helper does for one request: answer, or fail as n8n fails. */
export type CannedAnswer = IN8nHttpFullResponse | Error;

/** An answer as n8n 1.x and 2.x both return it with `returnFullResponse` and `encoding: 'text'`. */
export function answer(
	statusCode: number,
	body: unknown,
	headers: Record<string, string> = {},
): IN8nHttpFullResponse {
	const text = typeof body === 'string' ? body : JSON.stringify(body);
	return {
		statusCode,
		statusMessage: '',
		headers: { 'content-type': 'application/json', ...headers },
		body: text,
	};
}

/** ProductBridge's error envelope. */
export const envelope = (statusCode: number, error: string): IN8nHttpFullResponse =>
	answer(statusCode, { detail: { error } });

/** A gateway's page in front of the API, as nginx sends it. */
export const gatewayPage = (statusCode: number): IN8nHttpFullResponse =>
	answer(statusCode, `<html><body><h1>${statusCode} Bad Gateway</h1></body></html>`, {
		'content-type': 'text/html',
	});

/** A request that got no answer, as n8n 2.x rejects it: NodeApiError caused by axios' error. */
export function networkFailureN8n2(code: string, message: string): Error {
	const axiosError = Object.assign(new Error(message), { name: 'AxiosError', code });
	return new NodeApiError(NODE, axiosError as unknown as JsonObject);
}

/** The same in n8n 1.x: no cause; the code is the httpCode and the message is n8n's text for it. */
export function networkFailureN8n1(code: string, message: string): Error {
	return Object.assign(new Error(message), { name: 'NodeApiError', httpCode: code });
}

export interface SentRequest {
	credentialType: string;
	url: string;
	body: IDataObject;
	options: IHttpRequestOptions;
}

export interface StubbedRun {
	context: IExecuteFunctions;
	/** Every request the node handed to n8n's helper, in order. */
	sent: SentRequest[];
	credentials: ICredentialDataDecryptedObject;
	/** The answers not used yet; a test may add more once it knows the run's key. */
	answers: CannedAnswer[];
}

export interface StubbedRunOptions {
	/** The helper's answers, one per request in order; a request beyond them fails the test. */
	answers: CannedAnswer[];
	parameters?: IDataObject;
	items?: IDataObject[];
	continueOnFail?: boolean;
}

let runs = 0;

/**
 * A fresh execution context. Each run has a key of its own, so state the transport keeps per
 * credential in the process never carries over from one test to the next.
 */
export function stubbedRun({
	answers,
	parameters = {},
	items = [{}],
	continueOnFail = false,
}: StubbedRunOptions): StubbedRun {
	runs += 1;
	const credentials = {
		apiKey: `pb_stubbed${String(runs).padStart(4, '0')}_AbCdEfGhIjKlMnOpQrStUvWxYz01234567`,
		baseUrl: 'https://api.productbridge.io',
	};
	const queue = [...answers];
	const sent: SentRequest[] = [];
	const node: INode = { ...NODE, parameters: parameters as INode['parameters'] };
	const inputData: INodeExecutionData[] = items.map((json) => ({ json }));

	const request = async (
		credentialType: string,
		options: IHttpRequestOptions,
	): Promise<IN8nHttpFullResponse> => {
		sent.push({ credentialType, url: options.url, body: options.body as IDataObject, options });
		const next = queue.shift();
		if (next === undefined) {
			throw new Error(`request ${sent.length} to ${options.url} has no canned answer`);
		}
		if (next instanceof Error) throw next;
		return next;
	};

	const context: Partial<IExecuteFunctions> = {
		getNode: () => node,
		getInputData: () => inputData,
		continueOnFail: () => continueOnFail,
		getExecutionId: () => `stubbed-execution-${runs}`,
		getCredentials: async <T extends object = ICredentialDataDecryptedObject>() =>
			credentials as unknown as T,
		getExecutionCancelSignal: () => undefined,
		getNodeParameter: ((name: string, _itemIndex: number, fallback?: unknown) =>
			readPath(parameters, name) ?? fallback) as IExecuteFunctions['getNodeParameter'],
		helpers: {
			httpRequestWithAuthentication: request,
		} as Partial<IExecuteFunctions['helpers']> as IExecuteFunctions['helpers'],
	};
	return { context: context as IExecuteFunctions, sent, credentials, answers: queue };
}

function readPath(parameters: IDataObject, path: string): unknown {
	return path
		.split('.')
		.reduce<unknown>(
			(value, key) =>
				typeof value === 'object' && value !== null ? (value as IDataObject)[key] : undefined,
			parameters,
		);
}
