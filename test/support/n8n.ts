/* eslint-disable @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Test-only helpers around the n8n launcher (tools/n8n.ts, re-exported here so a test imports
 * one module): the workflow files under test/e2e/workflows, and reading an execution's runData.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

import { readWorkflowFile, REPO_ROOT } from '../../tools/n8n.ts';
import type { OutputItem, RunData, WorkflowJson } from '../../tools/n8n.ts';

export * from '../../tools/n8n.ts';

export const WORKFLOWS_DIR = path.join(REPO_ROOT, 'test', 'e2e', 'workflows');

/** Reads test/e2e/workflows/<name>.json (or an absolute path). */
export function loadWorkflow(nameOrPath: string): WorkflowJson {
	const file = path.isAbsolute(nameOrPath)
		? nameOrPath
		: path.join(WORKFLOWS_DIR, `${nameOrPath.replace(/\.json$/, '')}.json`);
	return readWorkflowFile(file);
}

/** Every workflow file under test/e2e/workflows, by file name without `.json`. */
export function loadAllWorkflows(dir = WORKFLOWS_DIR): Record<string, WorkflowJson> {
	const workflows: Record<string, WorkflowJson> = {};
	for (const file of readdirSync(dir)
		.filter((name) => name.endsWith('.json'))
		.sort()) {
		workflows[file.replace(/\.json$/, '')] = loadWorkflow(path.join(dir, file));
	}
	return workflows;
}

/** Items of one output of one node's run; [] when the output is empty or absent. */
export function outputItems(
	runData: RunData,
	nodeName: string,
	outputIndex = 0,
	runIndex = 0,
	connectionType = 'main',
): OutputItem[] {
	const run = runData[nodeName]?.[runIndex];
	return run?.data?.[connectionType]?.[outputIndex] ?? [];
}

/** The input item index an output item pairs back to (first one when several). */
export function pairedIndex(item: OutputItem): number | undefined {
	const paired = item.pairedItem;
	if (paired === undefined) return undefined;
	if (typeof paired === 'number') return paired;
	if (Array.isArray(paired)) return paired[0]?.item;
	return paired.item;
}
