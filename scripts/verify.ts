/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * `npm run verify` (and part of `npm test`): n8n's own checks, run the way a reviewer runs them, on
 * this checkout and on the tarball `npm pack` makes. Any finding, error or warning, fails it.
 *
 *   1. `n8n-node lint` in strict mode, as n8n's docs run it (no flags, no environment):
 *      eslint.config.mjs must be n8n's default, unmodified, and nothing it lints may report a
 *      problem (the programs in tools/, test/, scripts/ and bench/ included: see
 *      eslint.node-programs.mjs).
 *   2. `n8n-node cloud-support`: must say the package is eligible for n8n Cloud verification.
 *   3. The build and `npm pack`: the tarball holds dist/, package.json, README.md and LICENSE.md
 *      only, and every node and credential that package.json names.
 *   4. n8n's scanner (@n8n/scan-community-package, its analyzePackage) with the two legs its CLI
 *      runs on a published package, here on local folders since it cannot fetch an unpublished
 *      one: the source (package.json, nodes/, credentials/) and the unpacked tarball (its .js
 *      files and package.json). analyzePackage lets warnings pass and does not count them, so the
 *      same files are linted once more with the config it builds (buildScanConfig) to count them.
 *   5. The tarball leg again, on the package as n8n installs it. n8n's no-restricted-imports rule
 *      lets node code import any devDependency, on the assumption that a bundler inlines it; this
 *      package's build is tsc, which leaves each import a require() of its own, and n8n's
 *      installer drops devDependencies from package.json before it runs `npm install` (it
 *      drops peer and optional ones too). A node file that imported n8n-core or playwright-core at
 *      run time would pass steps 1 and 4 and then fail to load in every n8n. Here the rule reads the package.json
 *      n8n installs, so it reports that import.
 *   6. The GitHub workflows: each file in .github/workflows against SchemaStore's schema for
 *      workflows (@action-validator/core, which bundles it: no network), and ci.yml and publish.yml
 *      doing what the README says they do.
 *   7. package.json's repository, homepage and bugs name one GitHub repository: npm's provenance
 *      ties the package to repository.url, and the publish guard checks the workflow runs there.
 *   8. `prettier --check` on every TypeScript file of the checkout (nodes/, credentials/, tools/,
 *      scripts/, bench/, test/): the same formatting everywhere.
 *
 * `node scripts/verify.ts installed <unpacked package folder>` runs step 5 alone; its test injects
 * a dev dependency import into a copy of dist/ to prove the step fails on one.
 * `node scripts/verify.ts formatted <folder>` runs step 8 on that folder alone, for its test.
 */
import { spawnSync } from 'node:child_process';
import {
	cpSync,
	globSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

import { validateWorkflow } from '@action-validator/core';
import type { ValidationError } from '@action-validator/core';
import { ESLint } from 'eslint';

import { REPO_ROOT } from '../tools/repo.ts';

type Scanner = typeof import('@n8n/scan-community-package/scanner/scanner.mjs');

interface Check {
	name: string;
	ok: boolean;
	summary: string;
	details?: string;
}

const N8N_NODE = path.join(REPO_ROOT, 'node_modules', '.bin', 'n8n-node');
/** What the scanner lints in a tarball (analyzePackageByName's second leg). */
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];
/** What a tarball of this package may hold. */
const SHIPPED = /^(dist\/.+|package\.json|README\.md|LICENSE\.md)$/;
/** What each workflow must keep doing (README.md, Releasing; .ci/run). */
const WORKFLOW_ESSENTIALS: Record<string, string[]> = {
	'ci.yml': [
		'pull_request:',
		'push:',
		'run: bash .ci/run',
		'~/.npm',
		'~/.cache/n8n-nodes-productbridge',
	],
	'publish.yml': [
		"tags: ['v*']",
		'id-token: write',
		'run: node scripts/publish-guard.mjs',
		'run: bash .ci/run',
		'npm publish --provenance --access public --ignore-scripts=false',
	],
};
function run(command: string, args: string[], env: Record<string, string> = {}) {
	const result = spawnSync(command, args, {
		cwd: REPO_ROOT,
		encoding: 'utf8',
		env: { ...process.env, ...env },
		maxBuffer: 64 * 1024 * 1024,
	});
	const stdout = result.stdout ?? '';
	const output = stripVTControlCharacters(`${stdout}${result.stderr ?? ''}`).trim();
	return { status: result.status, stdout, output: result.error ? String(result.error) : output };
}

function versionOf(packageName: string): string {
	const file = path.join(REPO_ROOT, 'node_modules', packageName, 'package.json');
	return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

function readJson(file: string): Record<string, unknown> {
	return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

function n8nNodeLint(): Check {
	const name = 'n8n-node lint';
	const { status, output } = run(N8N_NODE, ['lint']);
	const problems = /✖ (\d+ problems? \(\d+ errors?, \d+ warnings?\))/.exec(output);
	if (/Strict mode violation/.test(output)) {
		return { name, ok: false, summary: 'strict mode violation', details: output };
	}
	if (status !== 0 || problems) {
		const summary = problems ? problems[1] : `exit code ${status}`;
		return { name, ok: false, summary, details: output };
	}
	return { name, ok: true, summary: "strict mode, n8n's default eslint.config.mjs, 0 problems" };
}

function cloudSupport(): Check {
	const name = 'n8n-node cloud-support';
	const { status, output } = run(N8N_NODE, ['cloud-support']);
	const lines = ['Strict mode', 'ESLint config', 'Status'].map(
		(label) => new RegExp(`${label}: (.*)`).exec(output)?.[1].trim() ?? `${label}: ?`,
	);
	const ok = status === 0 && /Status: eligible for n8n Cloud verification/.test(output);
	const summary = `strict mode ${lines[0]}, ${lines[1]}, ${lines[2]}`;
	return ok ? { name, ok, summary } : { name, ok, summary, details: output };
}

function buildAndPack(workDir: string): { check: Check; unpacked?: string } {
	const name = 'build and npm pack';
	const build = run('npm', ['run', 'build', '--silent']);
	if (build.status !== 0) {
		return { check: { name, ok: false, summary: 'npm run build failed', details: build.output } };
	}
	const packed = run('npm', ['pack', '--json', '--pack-destination', workDir, '--loglevel=error']);
	if (packed.status !== 0) {
		return { check: { name, ok: false, summary: 'npm pack failed', details: packed.output } };
	}
	const [tarball] = JSON.parse(packed.stdout) as Array<{
		filename: string;
		files: Array<{ path: string }>;
	}>;
	const files = tarball.files.map((file) => file.path);
	const n8n = readJson(path.join(REPO_ROOT, 'package.json')).n8n as Record<string, string[]>;
	const listed = [...n8n.nodes, ...n8n.credentials];
	const unexpected = files.filter((file) => !SHIPPED.test(file));
	const missing = listed.filter((file) => !files.includes(file));
	const inDist = files.filter((file) => file.startsWith('dist/')).length;
	const others = files.filter((file) => !file.startsWith('dist/')).sort();
	const summary = `${tarball.filename}, ${files.length} files: dist/ (${inDist}), ${others.join(', ')}`;
	if (unexpected.length > 0 || missing.length > 0) {
		const details = [
			...unexpected.map((file) => `not meant to ship: ${file}`),
			...missing.map((file) => `named in package.json "n8n" but not packed: ${file}`),
		].join('\n');
		return { check: { name, ok: false, summary, details } };
	}
	const unpacked = path.join(workDir, 'tarball');
	mkdirSync(unpacked);
	const untar = spawnSync(
		'tar',
		['-xzf', path.join(workDir, tarball.filename), '-C', unpacked, '--strip-components=1'],
		{ encoding: 'utf8' },
	);
	if (untar.status !== 0) {
		return { check: { name, ok: false, summary: 'tar failed', details: untar.stderr } };
	}
	return { check: { name, ok: true, summary }, unpacked };
}

/** analyzePackage's verdict on `dir`, and the errors and warnings of the same lint, counted. */
async function scan(scanner: Scanner, name: string, dir: string, patterns: string[]) {
	const verdict = await scanner.analyzePackage(dir, patterns);
	const files = globSync(patterns, {
		cwd: dir,
		exclude: (file) => /(^|\/)node_modules(\/|$)|package-lock\.json$/.test(String(file)),
	}).map((file) => path.join(dir, file));
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
	});
	const results = await eslint.lintFiles(files);
	const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
	const warnings = results.reduce((sum, result) => sum + result.warningCount, 0);
	const ok = verdict.passed && errors === 0 && warnings === 0;
	const summary =
		`${files.length} files, ${errors} errors, ${warnings} warnings; analyzePackage: ` +
		(verdict.passed ? 'passed' : `failed (${verdict.message})`);
	if (ok) return { name, ok, summary };
	const formatter = await eslint.loadFormatter('stylish');
	const details = stripVTControlCharacters(await formatter.format(results)).trim();
	return { name, ok, summary, details: details || verdict.details };
}

/** The scanner's tarball leg on a copy of `unpacked` whose package.json is the one n8n installs. */
async function scanAsInstalled(scanner: Scanner, unpacked: string, workDir: string) {
	const installed = path.join(workDir, 'as-installed');
	cpSync(unpacked, installed, { recursive: true });
	const manifestPath = path.join(installed, 'package.json');
	const manifest = readJson(manifestPath);
	// n8n's installer also drops peerDependencies, which n8n itself provides (n8n-workflow, on the
	// rule's list), and optionalDependencies (none here); the rule reads devDependencies only.
	delete manifest.devDependencies;
	writeFileSync(manifestPath, `${JSON.stringify(manifest, null, '\t')}\n`);
	const name = 'n8n scanner, tarball as n8n installs it (devDependencies not installed)';
	return await scan(scanner, name, installed, TARBALL_PATTERNS);
}

function schemaErrors(errors: ValidationError[]): string[] {
	return errors.flatMap((error) => {
		const states = 'states' in error ? (error.states ?? []) : [];
		const nested = states.flatMap((state) => schemaErrors(state.errors));
		if (nested.length > 0) return nested;
		const where = 'path' in error ? error.path : `line ${error.location?.line ?? '?'}`;
		return [`${where}: ${error.detail ?? error.title}`];
	});
}

function workflows(): Check {
	const name = 'GitHub workflows (SchemaStore schema, @action-validator/core)';
	const dir = path.join(REPO_ROOT, '.github', 'workflows');
	const files = globSync('*.{yml,yaml}', { cwd: dir }).sort();
	const problems = Object.keys(WORKFLOW_ESSENTIALS)
		.filter((file) => !files.includes(file))
		.map((file) => `${file}: missing`);
	for (const file of files) {
		const source = readFileSync(path.join(dir, file), 'utf8');
		for (const error of schemaErrors(validateWorkflow(source).errors)) {
			problems.push(`${file}: ${error}`);
		}
		for (const line of WORKFLOW_ESSENTIALS[file] ?? []) {
			if (!source.includes(line)) problems.push(`${file}: no longer has \`${line}\``);
		}
	}
	const summary =
		problems.length === 0 ? `${files.join(', ')} valid` : `${problems.length} problems`;
	return { name, ok: problems.length === 0, summary, details: problems.join('\n') };
}

function packageLinks(): Check {
	const name = 'package.json repository, homepage, bugs';
	const manifest = readJson(path.join(REPO_ROOT, 'package.json')) as {
		repository?: { url?: string };
		homepage?: string;
		bugs?: { url?: string };
	};
	const repo = /^git\+https:\/\/github\.com\/([^/]+\/[^/]+)\.git$/.exec(
		manifest.repository?.url ?? '',
	)?.[1];
	const web = `https://github.com/${repo}`;
	const problems = [
		repo
			? ''
			: `repository.url ${manifest.repository?.url} is not git+https://github.com/<owner>/<repo>.git`,
		manifest.homepage === `${web}#readme`
			? ''
			: `homepage ${manifest.homepage} is not ${web}#readme`,
		manifest.bugs?.url === `${web}/issues`
			? ''
			: `bugs.url ${manifest.bugs?.url} is not ${web}/issues`,
	].filter(Boolean);
	const summary =
		problems.length === 0 ? `all name github.com/${repo}` : `${problems.length} problems`;
	return { name, ok: problems.length === 0, summary, details: problems.join('\n') };
}

/**
 * `prettier --check` on every TypeScript file under `dir` (.prettierrc.js; prettier skips
 * node_modules and, through .gitignore, dist/), so a mis-formatted file anywhere fails verify.
 */
function formatting(dir: string): Check {
	const name = 'prettier --check, every TypeScript file';
	const prettier = path.join(REPO_ROOT, 'node_modules', '.bin', 'prettier');
	const result = spawnSync(prettier, ['--check', '--log-level=warn', '**/*.ts'], {
		cwd: dir,
		encoding: 'utf8',
	});
	const output = stripVTControlCharacters(`${result.stdout ?? ''}${result.stderr ?? ''}`).trim();
	const unformatted = output
		.split('\n')
		.filter((line) => line.startsWith('[warn] ') && !line.includes('Code style issues'))
		.map((line) => line.slice('[warn] '.length));
	if (result.status === 0) return { name, ok: true, summary: 'all formatted' };
	const summary =
		unformatted.length > 0
			? `${unformatted.length} files not formatted (npx prettier --write <file>)`
			: `exit code ${result.status}`;
	return { name, ok: false, summary, details: unformatted.join('\n') || output };
}

function report(check: Check): void {
	console.log(`${check.ok ? '✔' : '✘'} ${check.name}: ${check.summary}`);
	if (!check.ok && check.details) {
		console.log(check.details.replace(/^/gm, '    '));
	}
}

async function verify(scanner: Scanner, workDir: string): Promise<Check[]> {
	console.log(
		`verify: @n8n/node-cli ${versionOf('@n8n/node-cli')}, ` +
			`@n8n/scan-community-package ${versionOf('@n8n/scan-community-package')}`,
	);
	const checks: Check[] = [];
	const add = (check: Check) => {
		report(check);
		checks.push(check);
	};
	add(n8nNodeLint());
	add(formatting(REPO_ROOT));
	add(cloudSupport());
	const { check: packCheck, unpacked } = buildAndPack(workDir);
	add(packCheck);
	add(
		await scan(
			scanner,
			`n8n scanner, source (${scanner.SOURCE_FILE_PATTERNS.join(', ')})`,
			REPO_ROOT,
			scanner.SOURCE_FILE_PATTERNS,
		),
	);
	if (unpacked) {
		const tarballName = `n8n scanner, unpacked tarball (${TARBALL_PATTERNS.join(', ')})`;
		add(await scan(scanner, tarballName, unpacked, TARBALL_PATTERNS));
		add(await scanAsInstalled(scanner, unpacked, workDir));
	}
	add(workflows());
	add(packageLinks());
	return checks;
}

const USAGE =
	'usage: node scripts/verify.ts [installed <unpacked package folder> | formatted <folder>]';

/** One check on its own, for its test: `installed <folder>` (step 5) or `formatted <folder>`. */
async function checkAlone(scanner: Scanner, mode: string, target: string, workDir: string) {
	if (mode === 'formatted') return formatting(path.resolve(target));
	return await scanAsInstalled(scanner, path.resolve(target), workDir);
}

async function main(): Promise<void> {
	const [mode, target] = process.argv.slice(2);
	if (mode !== undefined && !(['installed', 'formatted'].includes(mode) && target)) {
		console.error(USAGE);
		process.exitCode = 2;
		return;
	}
	const workDir = mkdtempSync(path.join(tmpdir(), 'pb-verify-'));
	// The scanner makes a temporary folder as it loads and leaves it behind: make it in ours.
	process.env.TMPDIR = workDir;
	try {
		const scanner: Scanner = await import('@n8n/scan-community-package/scanner/scanner.mjs');
		if (mode !== undefined) {
			const check = await checkAlone(scanner, mode, target, workDir);
			report(check);
			process.exitCode = check.ok ? 0 : 1;
			return;
		}
		const checks = await verify(scanner, workDir);
		const failed = checks.filter((check) => !check.ok).length;
		console.log(
			failed === 0
				? `verify: all ${checks.length} checks clean`
				: `verify: ${failed} of ${checks.length} checks failed`,
		);
		process.exitCode = failed === 0 ? 0 : 1;
	} finally {
		rmSync(workDir, { recursive: true, force: true });
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
