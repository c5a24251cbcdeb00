/**
 * The n8n launcher: a real n8n (the pinned version, installed once into a cache outside the repo
 * by scripts/ensure-n8n.sh) with this package built, packed with `npm pack` and installed the
 * way n8n's Community Nodes installer does it. Used by the end-to-end and queue-mode tests, the
 * playground (scripts/dev.ts), the screenshots and the benchmark.
 *
 *   const n8n = await prepareN8n();            // or prepareN8n({ version: '1.123.81' })
 *   await n8n.importCredential({ id, name, type: 'productBridgeApi', data: { apiKey, baseUrl } });
 *   await n8n.importWorkflow(workflow);        // a workflow JSON with a fixed `id`
 *   const result = await n8n.execute(workflow.id);
 *   result.exitCode, result.runData, result.error;
 *   const server = await n8n.startServer();    // `n8n start`; startWorker() for queue mode
 *   n8n.findSecret('pb_...');                  // where a secret shows in what n8n printed or stored
 *   await n8n.cleanup();
 *
 * Inside: n8n/instance.ts (an instance and its CLI commands), n8n/install.ts (n8n into the
 * cache, this package into a user folder), n8n/server.ts (`n8n start`, `n8n worker`),
 * n8n/processes.ts (process groups, environments), n8n/workflows.ts (workflow files and their
 * placeholders), n8n/types.ts.
 */
export { PACKAGE_NAME, REPO_ROOT } from './repo.ts';
export { DEFAULT_N8N_VERSION, majorOf, parseExecution, prepareN8n } from './n8n/instance.ts';
export { freePort } from './n8n/processes.ts';
export { waitForWebhook } from './n8n/server.ts';
export { readWorkflowFile, rewriteWorkflow, triggerWithItems } from './n8n/workflows.ts';
export type { WorkflowRewrite } from './n8n/workflows.ts';
export type * from './n8n/types.ts';
