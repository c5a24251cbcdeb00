import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import type { RawAnswer } from './answers';
import { MAX_ANSWER_BYTES, readBounded } from './boundedRead';
import { pause } from './flow/wait';
import type { NetworkFailure } from './retryPolicy';
import { classifyNetworkError } from './retryPolicy';
import { keptInProcess } from './sendable';

export const CREDENTIAL_TYPE = 'productBridgeApi';

/**
 * What one attempt brought back: the answer as it came, or the network failure (with why n8n
 * kept the request in the process, when it did).
 */
export type AttemptResult =
	| RawAnswer
	| ({ networkCode: string; keptInProcess?: string } & NetworkFailure);

export interface AttemptSpec {
	url: string;
	payload: IDataObject;
	/** From sending to the last byte of the answer, in milliseconds. */
	timeoutMs: number;
}

/** What an attempt's deadline says when it comes first. */
const OVERTAKEN: ReadonlySet<string> = new Set(['ETIMEDOUT', 'ECANCELED']);

/**
 * One request, ended at the deadline even while the server keeps trickling bytes: n8n's own
 * timeout only notices a silent connection, and it replaces any abort signal passed in its
 * options with the execution's, so the attempt's own signal reaches it through the context.
 */
export async function sendAttempt(
	context: IExecuteFunctions,
	credentials: ICredentialDataDecryptedObject,
	spec: AttemptSpec,
): Promise<AttemptResult> {
	// Its own signal only: the deadline's wait below notices a cancelled execution and ends the
	// request through it (AbortSignal.any would tie one listener per attempt to the execution).
	const ended = new AbortController();
	let settled = false;
	// A body that breaks off while it is read fails the attempt as the request itself would.
	const request = send(contextEndedBy(context, ended.signal), credentials, spec)
		.then(async (response): Promise<AttemptResult> => await toRawAnswer(response, ended.signal))
		.catch((error: unknown): AttemptResult => {
			const network = classifyNetworkError(error);
			return { networkCode: network.code, ...network, keptInProcess: keptInProcess(error) };
		});
	const result = await Promise.race([request, deadline(context, spec.timeoutMs, () => settled)]);
	settled = true;
	// Only a request the deadline or a cancel overtook is ended: aborting an answered one would
	// cost an error object and its listeners' work on every request.
	if ('networkCode' in result && OVERTAKEN.has(result.code)) ended.abort();
	return result;
}

function isCancelled(context: IExecuteFunctions): boolean {
	return context.getExecutionCancelSignal()?.aborted === true;
}

/**
 * The node's context with the attempt's own signal. Built here, not in `sendAttempt`, so that
 * the deadline's timer, which outlives an answered request a little, does not keep it alive.
 */
function contextEndedBy(context: IExecuteFunctions, signal: AbortSignal): IExecuteFunctions {
	return Object.create(context, {
		getExecutionCancelSignal: { value: () => signal },
	}) as IExecuteFunctions;
}

/** The attempt's end when no answer has come in time, or the execution was cancelled. */
async function deadline(
	context: IExecuteFunctions,
	timeout: number,
	settled: () => boolean,
): Promise<AttemptResult> {
	await pause(timeout, () => settled() || isCancelled(context));
	const code = isCancelled(context) ? 'ECANCELED' : 'ETIMEDOUT';
	return { networkCode: code, code, message: `no complete answer within ${timeout} ms` };
}

async function send(
	context: IExecuteFunctions,
	credentials: ICredentialDataDecryptedObject,
	spec: AttemptSpec,
): Promise<IN8nHttpFullResponse> {
	return (await context.helpers.httpRequestWithAuthentication.call(
		context,
		CREDENTIAL_TYPE,
		{
			method: 'POST',
			url: spec.url,
			body: { ...spec.payload },
			json: true,
			// The raw bytes, read here up to a bound (n8n's helper sets no limit of its own) and
			// parsed here, so that no server key can become a prototype and a foreign answer (an
			// HTML page) can be told apart from ProductBridge's JSON.
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// ProductBridge never redirects; following one would send the key elsewhere.
			disableFollowRedirect: true,
			timeout: spec.timeoutMs,
		},
		{
			credentialsDecrypted: {
				id: '',
				name: CREDENTIAL_TYPE,
				type: CREDENTIAL_TYPE,
				data: credentials,
			},
		},
	)) as IN8nHttpFullResponse;
}

async function toRawAnswer(response: IN8nHttpFullResponse, ended: AbortSignal): Promise<RawAnswer> {
	const headers = response.headers ?? {};
	const contentType = headers['content-type'];
	const location = headers.location;
	const body = await readBounded(response.body, MAX_ANSWER_BYTES, ended);
	return {
		status: response.statusCode,
		contentType: typeof contentType === 'string' ? contentType.split(';')[0].trim() : '',
		text: body.text,
		tooLarge: body.tooLarge,
		retryAfter: headers['retry-after'],
		location: typeof location === 'string' && location !== '' ? location : undefined,
	};
}
