/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Installing: the pinned n8n into the cache outside the repo (scripts/ensure-n8n.sh, once), and
 * this package built, packed with `npm pack` and installed into a user folder the way n8n's
 * Community Nodes installer does it.
 *
 * What n8n's installer does (packages/cli/src/modules/community-packages/
 * community-packages.service.ts, downloadPackage): `npm pack <name>@<version>` into
 * ~/.n8n/nodes, `tar -xzf <tarball> -C ~/.n8n/nodes/node_modules/<name> --strip-components=1`,
 * drop devDependencies, peerDependencies and optionalDependencies from the unpacked package.json,
 * `npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow
 * --ignore-scripts=true --package-lock=false` inside the package folder, then record
 * `"<name>": "<version>"` in ~/.n8n/nodes/package.json. installLikeCommunityNodes does the same
 * with the tarball packTheBuiltPackage made instead of one from the registry.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { PACKAGE_NAME, REPO_ROOT } from '../repo.ts';
import { runChecked, stringEnv, withoutNpmRunVariables } from './processes.ts';
import type { JsonObject } from './types.ts';

/** Installing n8n into a cold cache downloads ~3 GB of packages. */
const INSTALL_TIMEOUT_MS = 45 * 60_000;
const BUILD_TIMEOUT_MS = 5 * 60_000;

/** `gulp build`: dist/ as the tarball will hold it. */
export async function buildThePackage(located: Located): Promise<void> {
	const gulp = path.join(REPO_ROOT, 'node_modules', 'gulp', 'bin', 'gulp.js');
	await runChecked(located.nodeBinary, [gulp, 'build'], {
		cwd: REPO_ROOT,
		env: located.shellEnv,
		timeoutMs: BUILD_TIMEOUT_MS,
	});
}

/** `npm pack` into packDir; the tarball's path and the version it holds. */
export async function packTheBuiltPackage(
	located: Located,
	packDir: string,
): Promise<{ tarball: string; version: string }> {
	// .npmrc has ignore-scripts=true, so prepack does not run: dist/ must be built already.
	const packed = await runChecked(
		located.npmBinary,
		['pack', '--pack-destination', packDir, '--json', '--loglevel=error'],
		{ cwd: REPO_ROOT, env: located.shellEnv, timeoutMs: BUILD_TIMEOUT_MS },
	);
	const [packInfo] = JSON.parse(packed.stdout) as Array<{ filename: string; version: string }>;
	return {
		tarball: path.join(packDir, path.basename(packInfo.filename)),
		version: packInfo.version,
	};
}

export interface Located {
	nodeBinary: string;
	n8nBinary: string;
	npmBinary: string;
	/** The environment scripts/env.sh sets up (PATH with the right Node, npm_config_nodedir). */
	shellEnv: Record<string, string>;
}

/** Runs scripts/ensure-n8n.sh (installs into the cache on first use) and reads where things are. */
export async function locateN8n(version: string, log: (line: string) => void): Promise<Located> {
	const script = [
		'set -euo pipefail',
		'n8n_bin="$(bash scripts/ensure-n8n.sh)"',
		'. scripts/env.sh',
		'printf "%s\\n" "$n8n_bin" "$(command -v node)" "$(command -v npm)"',
		'env -0 > "$PB_ENV_DUMP"',
	].join('\n');
	const dumpDir = mkdtempSync(path.join(tmpdir(), 'pb-e2e-env-'));
	const dump = path.join(dumpDir, 'env');
	try {
		log(`locating n8n@${version} (installs into the cache on first use: minutes)`);
		const result = await runChecked('bash', ['-c', script], {
			cwd: REPO_ROOT,
			env: {
				...withoutNpmRunVariables(stringEnv(process.env)),
				N8N_VERSION: version,
				PB_ENV_DUMP: dump,
			},
			timeoutMs: INSTALL_TIMEOUT_MS,
			onStderr: (text) =>
				text
					.split('\n')
					.filter(Boolean)
					.forEach((line) => log(line)),
		});
		const [n8nBinary, nodeBinary, npmBinary] = result.stdout.trim().split('\n').slice(-3);
		const shellEnv = readEnvDump(dump);
		if (!existsSync(n8nBinary))
			throw new Error(`ensure-n8n.sh named ${n8nBinary}, which does not exist`);
		await repairSqlite(n8nBinary, npmBinary, shellEnv, log);
		return { nodeBinary, n8nBinary, npmBinary, shellEnv };
	} finally {
		rmSync(dumpDir, { recursive: true, force: true });
	}
}

/** `env -0` output as a record, without the variable that named the dump file. */
function readEnvDump(file: string): Record<string, string> {
	const env: Record<string, string> = {};
	for (const entry of readFileSync(file, 'utf8').split('\0')) {
		const equals = entry.indexOf('=');
		if (equals > 0) env[entry.slice(0, equals)] = entry.slice(equals + 1);
	}
	delete env.PB_ENV_DUMP;
	return env;
}

/**
 * A cache filled by an install whose `npm rebuild sqlite3` ran with npm_config_ignore_scripts=true
 * (inherited from an `npm run`/`npx` in this repo, whose .npmrc sets ignore-scripts) holds no
 * sqlite3 binding, and every n8n command then fails with "SQLite package has not been found
 * installed". Build it now.
 */
async function repairSqlite(
	n8nBinary: string,
	npmBinary: string,
	env: Record<string, string>,
	log: (line: string) => void,
): Promise<void> {
	const n8nHome = path.resolve(path.dirname(n8nBinary), '..', '..');
	const binding = path.join(
		n8nHome,
		'node_modules',
		'sqlite3',
		'build',
		'Release',
		'node_sqlite3.node',
	);
	if (existsSync(binding)) return;
	log(`${binding} is missing: rebuilding sqlite3`);
	await runChecked(
		npmBinary,
		['rebuild', 'sqlite3', '--ignore-scripts=false', '--loglevel=error'],
		{
			cwd: n8nHome,
			env,
			timeoutMs: INSTALL_TIMEOUT_MS,
		},
	);
	if (!existsSync(binding)) throw new Error(`npm rebuild sqlite3 did not produce ${binding}`);
}

/** n8n's CommunityPackagesService.downloadPackage, with a local tarball instead of the registry. */
export async function installLikeCommunityNodes(
	tarball: string,
	nodesFolder: string,
	npmBinary: string,
	env: Record<string, string>,
): Promise<void> {
	const packageDirectory = path.join(nodesFolder, 'node_modules', PACKAGE_NAME);
	mkdirSync(packageDirectory, { recursive: true });
	await runChecked('tar', ['-xzf', tarball, '-C', packageDirectory, '--strip-components=1'], {
		cwd: nodesFolder,
		env,
		timeoutMs: 60_000,
	});
	const packageJsonPath = path.join(packageDirectory, 'package.json');
	const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as JsonObject;
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	writeFileSync(packageJsonPath, JSON.stringify(manifest, null, 2), 'utf8');
	await runChecked(
		npmBinary,
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
			'--omit=dev',
			'--loglevel=error',
		],
		{ cwd: packageDirectory, env, timeoutMs: 5 * 60_000 },
	);
	const nodesPackageJson = {
		name: 'installed-nodes',
		private: true,
		dependencies: { [PACKAGE_NAME]: String(manifest.version) },
	};
	writeFileSync(
		path.join(nodesFolder, 'package.json'),
		JSON.stringify(nodesPackageJson, null, 2),
		'utf8',
	);
}
