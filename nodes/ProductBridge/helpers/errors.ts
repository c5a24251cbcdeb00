import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { z } from 'zod/v4';

import type { ApiOutcome, ProductBridgeClient } from '../transport';

/** The one place that turns ProductBridge's answers into the errors users read. */

const errorEnvelope = z.object({ detail: z.object({ error: z.string() }) });

const validationEnvelope = z.object({
	detail: z.array(
		z.object({
			loc: z.array(z.union([z.string(), z.number()])).optional(),
			msg: z.string(),
		}),
	),
});

const CREDENTIAL_HINT =
	"Open the node's 'ProductBridge API' credential and paste your organization's active public API key (ProductBridge → Settings → API).";

const RETRY_HINT =
	"Lower 'Concurrency' or raise 'Max Retries' in the node's Options; to send failed items to an error branch, set the node's Settings → On Error to 'Continue (using error output)'.";

interface ErrorText {
	message: string;
	description: string;
	httpCode?: string;
}

export type ErrorClient = Pick<ProductBridgeClient, 'redact' | 'baseUrl'>;

/** An answer or failure that is not the operation's success nor a 404 it handles itself. */
export function failureToNodeError(
	node: INode,
	outcome: ApiOutcome,
	itemIndex: number,
	client: ErrorClient,
): NodeApiError {
	const text = describeFailure(outcome, client);
	if (outcome.afterUncertainAttempt) {
		text.description = `${UNCERTAIN_OUTCOME} ${text.description}`;
	}
	return buildApiError(node, text, itemIndex, client);
}

const UNCERTAIN_OUTCOME =
	'An earlier try may have reached ProductBridge before its answer was lost, so it may already have been carried out: check in ProductBridge before running this item again.';

export function notFoundError(
	node: INode,
	itemIndex: number,
	subject: string,
	client: ErrorClient,
): NodeApiError {
	const text: ErrorText = {
		message: `ProductBridge has no ${subject} in this organization`,
		description:
			"The user is not linked to this organization, or the link was already removed. Set 'If User Not Found' to 'Continue' to let such items pass as not found.",
		httpCode: '404',
	};
	return buildApiError(node, text, itemIndex, client);
}

/** A 200 whose body is not what the endpoint documents: never a silent success. */
export function unexpectedBodyError(
	node: INode,
	itemIndex: number,
	body: unknown,
	expected: string,
	client: ErrorClient,
): NodeApiError {
	const text: ErrorText = {
		message: 'ProductBridge answered 200 but not with the expected body',
		description: `Expected ${expected}, got ${preview(body)}. The outcome of this item is unknown: check it in ProductBridge before running it again.`,
		httpCode: '200',
	};
	return buildApiError(node, text, itemIndex, client);
}

export function invalidInputError(
	node: INode,
	itemIndex: number,
	message: string,
	description: string,
) {
	return new NodeOperationError(node, `${message} [item ${itemIndex}]`, {
		itemIndex,
		description,
	});
}

function describeFailure(outcome: ApiOutcome, client: ErrorClient): ErrorText {
	const retried = outcome.attempts > 1 ? ` (after ${outcome.attempts} attempts)` : '';
	if (outcome.kind === 'unreachable') {
		return {
			message: `Could not reach ProductBridge at ${client.baseUrl}${retried}`,
			description: `${outcome.code}: ${outcome.message}. Check the credential's Base URL and the network. ${RETRY_HINT}`,
		};
	}
	const { statusCode, body } = outcome;
	const httpCode = String(statusCode);
	if (statusCode === 401) {
		return {
			message: 'ProductBridge rejected the API key',
			description: `${CREDENTIAL_HINT} No further requests were sent in this execution.`,
			httpCode,
		};
	}
	if (statusCode === 422) {
		return {
			message: 'ProductBridge rejected the request as invalid',
			description: validationProblems(body) ?? `Unexpected validation answer: ${preview(body)}`,
			httpCode,
		};
	}
	if (statusCode === 429) {
		return {
			message: `ProductBridge kept rate-limiting the requests${retried}`,
			description: RETRY_HINT,
			httpCode,
		};
	}
	const serverSays = serverMessage(body);
	if (statusCode >= 500) {
		return {
			message: `ProductBridge failed with a server error (HTTP ${statusCode})${retried}`,
			description: `${serverSays ?? 'ProductBridge-side fault or outage'}. ${RETRY_HINT}`,
			httpCode,
		};
	}
	return {
		message: `ProductBridge refused the request (HTTP ${statusCode})${serverSays ? `: ${serverSays}` : ''}`,
		description: serverSays ? `ProductBridge says: ${serverSays}` : `Answer: ${preview(body)}`,
		httpCode,
	};
}

/** FastAPI's 422 `detail[]`, one line per offending field; the echoed `input` is never shown. */
function validationProblems(body: unknown): string | undefined {
	const parsed = validationEnvelope.safeParse(body);
	if (!parsed.success) return undefined;
	return parsed.data.detail
		.map(({ loc, msg }) => {
			const field = (loc ?? []).filter((part) => part !== 'body').join('.');
			return field ? `${field}: ${msg}` : msg;
		})
		.join('; ');
}

function serverMessage(body: unknown): string | undefined {
	const parsed = errorEnvelope.safeParse(body);
	return parsed.success ? parsed.data.detail.error : undefined;
}

const PREVIEW_LIMIT = 200;

function preview(value: unknown): string {
	const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
	return text.length > PREVIEW_LIMIT ? `${text.slice(0, PREVIEW_LIMIT)}…` : text;
}

function buildApiError(
	node: INode,
	text: ErrorText,
	itemIndex: number,
	client: ErrorClient,
): NodeApiError {
	const message = client.redact(text.message);
	const description = client.redact(text.description);
	// The error response given to n8n is built here from redacted text only, so nothing the
	// server echoed (its 422 `input` holds the whole request body, key included) is kept.
	const response: JsonObject = {
		message,
		description,
		httpCode: text.httpCode ?? null,
	};
	return new NodeApiError(node, response, {
		message,
		description,
		httpCode: text.httpCode,
		itemIndex,
	});
}
