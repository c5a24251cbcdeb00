/* eslint-disable @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * A scripted stand-in for OpenAI's Chat Completions API, so that an n8n AI Agent can run headless
 * and deterministically: no model, no network. Loopback only; Node builtins only.
 *
 * The "model" does what an LLM asked "remove these users" would do:
 *  - when the conversation has no tool answer yet, it calls the first offered tool once per UUID
 *    found in the last user message (parallel tool calls), passing the UUID as the tool's first
 *    parameter;
 *  - once tool answers are in, it replies with a summary that quotes them.
 * Every request is recorded, so tests can check what reached the model (tool names, schemas, the
 * tool results) and what did not (the ProductBridge API key).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
	name?: string;
}

export interface ChatTool {
	type: string;
	function: {
		name: string;
		description?: string;
		parameters?: { properties?: Record<string, unknown> };
	};
}

export interface ChatRequest {
	path: string;
	/** The raw body, for leak checks. */
	raw: string;
	model?: string;
	stream?: boolean;
	messages: ChatMessage[];
	tools: ChatTool[];
}

export interface FakeOpenAi {
	/** `http://127.0.0.1:<port>/v1`: the OpenAI credential's Base URL. */
	readonly baseUrl: string;
	readonly requests: readonly ChatRequest[];
	reset(): void;
	close(): Promise<void>;
}

const UUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export interface FakeOpenAiOptions {
	/** What the model picks out of the user's message as the tool's argument (default: UUIDs). */
	argumentPattern?: RegExp;
}

/** What the fake model has seen, shared by its requests. */
interface ModelState {
	readonly argumentPattern: RegExp;
	readonly requests: ChatRequest[];
	completionCount: number;
}

export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
	const state: ModelState = {
		argumentPattern: options.argumentPattern ?? UUID_ANYWHERE,
		requests: [],
		completionCount: 0,
	};
	const server: Server = createServer((req, res) => {
		void handle(state, req, res).catch((error: unknown) => {
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
			const message = error instanceof Error ? error.message : String(error);
			res.end(JSON.stringify({ error: { message } }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests: state.requests,
		reset: () => {
			state.requests.length = 0;
		},
		close: async () => {
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
}

async function handle(state: ModelState, req: IncomingMessage, res: ServerResponse): Promise<void> {
	const raw = await readBody(req);
	const path = new URL(req.url ?? '/', 'http://fake').pathname;
	if (req.method === 'GET' && path.endsWith('/models')) {
		sendJson(res, 200, {
			object: 'list',
			data: [{ id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'fake' }],
		});
		return;
	}
	if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
		sendJson(res, 404, {
			error: { message: `the fake model does not serve ${req.method} ${path}` },
		});
		return;
	}
	const body = JSON.parse(raw) as {
		model?: string;
		stream?: boolean;
		messages?: ChatMessage[];
		tools?: ChatTool[];
	};
	const request: ChatRequest = {
		path,
		raw,
		model: body.model,
		stream: body.stream,
		messages: body.messages ?? [],
		tools: body.tools ?? [],
	};
	state.requests.push(request);
	state.completionCount++;
	const message = decide(request, state.completionCount, state.argumentPattern);
	const answer = { id: `chatcmpl-fake-${state.completionCount}`, request, message };
	if (request.stream === true) streamCompletion(res, answer);
	else sendCompletion(res, answer);
}

interface Completion {
	id: string;
	request: ChatRequest;
	message: ChatMessage;
}

const USAGE = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };

function finishReasonOf(message: ChatMessage): string {
	return message.tool_calls ? 'tool_calls' : 'stop';
}

/** The answer as server-sent events: one delta with everything, then the finish reason. */
function streamCompletion(res: ServerResponse, { id, request, message }: Completion): void {
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	const delta = {
		role: 'assistant',
		content: message.content ?? null,
		...(message.tool_calls
			? { tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })) }
			: {}),
	};
	const model = request.model ?? 'gpt-4o-mini';
	const chunk = (choice: object, extra: object = {}) =>
		`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model, choices: [choice], ...extra })}\n\n`;
	res.write(chunk({ index: 0, delta, finish_reason: null }));
	res.write(
		chunk({ index: 0, delta: {}, finish_reason: finishReasonOf(message) }, { usage: USAGE }),
	);
	res.end('data: [DONE]\n\n');
}

function sendCompletion(res: ServerResponse, { id, request, message }: Completion): void {
	sendJson(res, 200, {
		id,
		object: 'chat.completion',
		created: 0,
		model: request.model ?? 'gpt-4o-mini',
		choices: [
			{
				index: 0,
				message: {
					role: 'assistant',
					content: message.content ?? null,
					...(message.tool_calls ? { tool_calls: message.tool_calls } : {}),
				},
				finish_reason: finishReasonOf(message),
			},
		],
		usage: USAGE,
	});
}

function decide(request: ChatRequest, count: number, argumentPattern: RegExp): ChatMessage {
	const lastUserIndex = findLastIndex(request.messages, (message) => message.role === 'user');
	const afterUser = request.messages.slice(lastUserIndex + 1);
	const toolAnswers = afterUser.filter((message) => message.role === 'tool');
	if (toolAnswers.length > 0 || request.tools.length === 0) {
		const quoted = toolAnswers.map((message) => textOf(message.content)).join('\n');
		return { role: 'assistant', content: `Done. The tool answered:\n${quoted}` };
	}
	const tool = request.tools[0].function;
	const parameter = Object.keys(tool.parameters?.properties ?? {})[0] ?? 'input';
	const ids = textOf(request.messages[lastUserIndex]?.content).match(argumentPattern) ?? [];
	return {
		role: 'assistant',
		content: null,
		tool_calls: ids.map((id, index) => ({
			id: `call_${count}_${index}`,
			type: 'function',
			function: { name: tool.name, arguments: JSON.stringify({ [parameter]: id }) },
		})),
	};
}

function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content
			.map((part) =>
				typeof part === 'object' && part !== null && 'text' in part
					? String((part as { text: unknown }).text)
					: '',
			)
			.join('');
	}
	return content === undefined || content === null ? '' : JSON.stringify(content);
}

function findLastIndex<T>(list: readonly T[], predicate: (value: T) => boolean): number {
	for (let index = list.length - 1; index >= 0; index--) if (predicate(list[index])) return index;
	return -1;
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(text),
	});
	res.end(text);
}
