/* eslint-disable @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/** Workflow files as n8n's `import:workflow` reads them, and the placeholders in them. */
import { readFileSync } from 'node:fs';

import type { Json, WorkflowJson, WorkflowNode } from './types.ts';

export function readWorkflowFile(file: string): WorkflowJson {
	return JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson;
}

/**
 * The start every generated workflow shares: a Manual Trigger named `Start`, then a Code node
 * named `itemsNode` that returns the items; the caller connects `Start` → `itemsNode` → …
 */
export function triggerWithItems(itemsNode: string, jsCode: string): WorkflowNode[] {
	return [
		{
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			name: itemsNode,
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [220, 0],
			parameters: { jsCode },
		},
	];
}

export interface WorkflowRewrite {
	/** Placeholder credential id in the JSON → the credential actually imported. */
	credentials?: Record<string, { id: string; name: string }>;
	/** Exact placeholder text → its value, in every string of the workflow (e.g. a base URL). */
	text?: Record<string, string>;
}

/**
 * A copy of the workflow with its placeholder credentials (and any placeholder text) replaced.
 * Throws when a credential placeholder has no mapping, so a typo cannot go unnoticed.
 */
export function rewriteWorkflow(workflow: WorkflowJson, rewrite: WorkflowRewrite): WorkflowJson {
	const replaceText = (value: Json): Json => {
		if (typeof value === 'string') {
			let text = value;
			for (const [from, to] of Object.entries(rewrite.text ?? {})) text = text.split(from).join(to);
			return text;
		}
		if (Array.isArray(value)) return value.map(replaceText);
		if (value !== null && typeof value === 'object') {
			return Object.fromEntries(
				Object.entries(value).map(([key, inner]) => [key, replaceText(inner)]),
			);
		}
		return value;
	};
	const copy = replaceText(JSON.parse(JSON.stringify(workflow)) as Json) as unknown as WorkflowJson;
	for (const node of copy.nodes) {
		for (const [type, reference] of Object.entries(node.credentials ?? {})) {
			const target = rewrite.credentials?.[reference.id];
			if (target === undefined) {
				throw new Error(
					`workflow ${workflow.id}, node "${node.name}": no credential given for placeholder ${reference.id}`,
				);
			}
			(node.credentials as Record<string, { id: string; name: string }>)[type] = { ...target };
		}
	}
	return copy;
}

// ---------------------------------------------------------------- reading runData
