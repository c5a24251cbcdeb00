/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * tools/repo.ts finds this checkout from the program that runs, not from the working directory:
 * a script run from elsewhere works, and one run from inside another checkout uses its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { REPO_ROOT } from '../../tools/repo.ts';

const THIS_CHECKOUT = path.join(__dirname, '..', '..');
const REPO_MODULE = pathToFileURL(path.join(THIS_CHECKOUT, 'tools', 'repo.ts')).href;

/** `node -e` with `program` as process.argv[1], printing REPO_ROOT, from `cwd`. */
function rootSeenBy(program: string, cwd: string) {
	const env = { ...process.env };
	delete env.PB_REPO_ROOT;
	return spawnSync(
		process.execPath,
		[
			'--input-type=module',
			'-e',
			`const { REPO_ROOT } = await import(${JSON.stringify(REPO_MODULE)}); console.log(REPO_ROOT);`,
			program,
		],
		{ cwd, env, encoding: 'utf8' },
	);
}

describe('the repo root', () => {
	let elsewhere: string;

	beforeAll(() => {
		// Another checkout of the same package, as the working directory.
		elsewhere = mkdtempSync(path.join(tmpdir(), 'pb-other-checkout-'));
		writeFileSync(
			path.join(elsewhere, 'package.json'),
			JSON.stringify({ name: 'n8n-nodes-productbridge' }),
		);
	});

	afterAll(() => {
		rmSync(elsewhere, { recursive: true, force: true });
	});

	it('under jest is this checkout', () => {
		expect(REPO_ROOT).toBe(THIS_CHECKOUT);
	});

	it("is the running script's checkout, even from inside another one", () => {
		const result = rootSeenBy(path.join(THIS_CHECKOUT, 'scripts', 'dev.ts'), elsewhere);
		expect(result.stderr).toBe('');
		expect(result.stdout.trim()).toBe(THIS_CHECKOUT);
	});

	it('is not guessed from the working directory when the script is not in a checkout', () => {
		const result = rootSeenBy(path.join(tmpdir(), 'somewhere-else.ts'), elsewhere);
		expect(result.status).not.toBe(0);
		expect(result.stderr).toContain('set PB_REPO_ROOT');
	});

	it('lets a script of this checkout run from /tmp', () => {
		const result = spawnSync(
			process.execPath,
			[path.join(THIS_CHECKOUT, 'scripts', 'dev.ts'), '--help'],
			{ cwd: tmpdir(), encoding: 'utf8' },
		);
		expect(result.status).toBe(0);
		expect(result.stdout).toContain('Usage: npm run dev');
	});
});
