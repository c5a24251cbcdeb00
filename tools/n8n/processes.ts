/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Child processes for the n8n launcher: every command in its own process group, so that a
 * timeout or a stop ends n8n together with its task runners; and the environment they get.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { CommandResult } from './types.ts';

/** Milliseconds; every n8n command is killed (with its whole process group) when it overruns. */
export const COMMAND_TIMEOUT_MS = 180_000;

export interface RunOptions {
	cwd: string;
	env: Record<string, string> | Readonly<Record<string, string>>;
	timeoutMs: number;
	onStderr?: (text: string) => void;
}

/** Spawns in its own process group so a timeout kills n8n and its task runners together. */
export function runCommand(
	command: string,
	args: string[],
	options: RunOptions,
): Promise<CommandResult> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
			stderr += chunk;
			options.onStderr?.(chunk);
		});
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup(child.pid, 'SIGKILL');
		}, options.timeoutMs);
		child.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.once('close', (exitCode, signal) => {
			clearTimeout(timer);
			// Leftover task runners of a finished n8n would hold the terminal; the group goes with it.
			killGroup(child.pid, 'SIGKILL');
			resolve({
				args,
				exitCode,
				signal,
				timedOut,
				stdout,
				stderr,
				durationMs: Date.now() - started,
			});
		});
	});
}

export async function runChecked(
	command: string,
	args: string[],
	options: RunOptions,
): Promise<CommandResult> {
	const result = await runCommand(command, args, options);
	if (result.exitCode !== 0) {
		const what = `${path.basename(command)} ${args.join(' ')}`;
		const why = result.timedOut
			? `timed out after ${options.timeoutMs} ms`
			: `exited with ${result.exitCode ?? result.signal}`;
		throw new Error(`${what} ${why}\n${tail(result.stdout)}\n${tail(result.stderr)}`);
	}
	return result;
}

export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (pid === undefined) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export function listFiles(dir: string): string[] {
	if (!existsSync(dir)) return [];
	const files: string[] = [];
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) files.push(...listFiles(full));
		else if (
			entry.isFile() ||
			(entry.isSymbolicLink() && statSync(full, { throwIfNoEntry: false })?.isFile())
		)
			files.push(full);
	}
	return files;
}

export function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
	return result;
}

/**
 * `npm run` and `npx` export this repo's npm settings to their children, among them
 * npm_config_ignore_scripts=true from .npmrc, which would make the n8n install's
 * `npm rebuild sqlite3` a silent no-op. Only settings that say where packages and headers come
 * from are kept.
 */
export function withoutNpmRunVariables(env: Record<string, string>): Record<string, string> {
	const keep = new Set([
		'npm_config_cache',
		// set by scripts/env.sh: native addons build against the headers of the Node that runs n8n
		'npm_config_nodedir',
		'npm_config_registry',
		'npm_config_userconfig',
		'npm_config_proxy',
		'npm_config_https_proxy',
		'npm_config_noproxy',
		'npm_config_strict_ssl',
		'npm_config_cafile',
	]);
	return Object.fromEntries(
		Object.entries(env).filter(
			([key]) => !key.toLowerCase().startsWith('npm_') || keep.has(key.toLowerCase()),
		),
	);
}

/** The caller's own N8N_* settings (or jest's) must not leak into the n8n under test. */
export function withoutN8nVariables(env: Record<string, string>): Record<string, string> {
	return Object.fromEntries(
		Object.entries(env).filter(
			([key]) =>
				!key.startsWith('N8N_') &&
				!key.startsWith('DB_') &&
				!key.startsWith('JEST_') &&
				// n8n treats NODE_ENV=test (set by jest) as its own unit tests: commands then never exit.
				!['NODE_ENV', 'NODE_OPTIONS', 'E2E_TESTS'].includes(key),
		),
	);
}

export function tail(text: string, lines = 40): string {
	return text.split('\n').slice(-lines).join('\n');
}
