/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * `npm run verify` must fail when node code imports a dev dependency at run time: n8n's own lint
 * and scanner let it through (their no-restricted-imports rule exempts devDependencies), and
 * n8n installs the package without them, so the node would not load. The check that catches it
 * (scripts/verify.ts, step 5) runs here on a copy of the built package, once as built and once
 * with the require() calls tsc emits for `import { … } from 'n8n-core'` and 'playwright-core'.
 * Needs dist/ (`npm run build`, which `npm run test:unit` does first).
 */
import { spawnSync } from 'node:child_process';
import {
	appendFileSync,
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const REPO_ROOT = path.join(__dirname, '..', '..');
const NODE_FILE = path.join('dist', 'nodes', 'ProductBridge', 'ProductBridge.node.js');

let workDir: string;

beforeAll(() => {
	if (!existsSync(path.join(REPO_ROOT, NODE_FILE))) {
		throw new Error(`${NODE_FILE} is missing: run \`npm run build\` first`);
	}
	workDir = mkdtempSync(path.join(tmpdir(), 'pb-verify-test-'));
});

afterAll(() => {
	if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function packageCopy(name: string): string {
	const dir = path.join(workDir, name);
	cpSync(path.join(REPO_ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
	cpSync(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
	return dir;
}

/** `node scripts/verify.ts <mode> <dir>`: one of verify's checks on its own. */
function verifyAlone(mode: 'installed' | 'formatted', dir: string) {
	const result = spawnSync(process.execPath, ['scripts/verify.ts', mode, dir], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
	});
	return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const scanAsInstalled = (dir: string) => verifyAlone('installed', dir);

describe('verify: the package as n8n installs it', () => {
	it('passes the package as built', () => {
		const { status, output } = scanAsInstalled(packageCopy('as-built'));

		expect(output).toContain('0 errors, 0 warnings; analyzePackage: passed');
		expect(status).toBe(0);
	});

	it('fails when a node file requires a dev dependency at run time', () => {
		const dir = packageCopy('with-dev-imports');
		appendFileSync(
			path.join(dir, NODE_FILE),
			// After a newline: the compiled file ends with a source map comment and no newline.
			'\nconst n8n_core_1 = require("n8n-core");\n' +
				'const playwright_core_1 = require("playwright-core");\n',
		);

		const { status, output } = scanAsInstalled(dir);

		expect(output).toContain("Require of 'n8n-core' is not allowed");
		expect(output).toContain("Require of 'playwright-core' is not allowed");
		expect(output).toContain('2 errors, 0 warnings');
		expect(status).toBe(1);
	});
});

describe('verify: every TypeScript file formatted', () => {
	const FORMATTED = "export const greeting = 'hello';\n";
	const MISFORMATTED = 'export const greeting = "hello"\n';

	function folderWith(name: string, files: Record<string, string>): string {
		const dir = path.join(workDir, name);
		mkdirSync(path.join(dir, 'nested'), { recursive: true });
		cpSync(path.join(REPO_ROOT, '.prettierrc.js'), path.join(dir, '.prettierrc.js'));
		for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
		return dir;
	}

	it('passes when prettier would change nothing', () => {
		const dir = folderWith('formatted', { 'a.ts': FORMATTED, 'nested/b.ts': FORMATTED });

		const { status, output } = verifyAlone('formatted', dir);

		expect(output).toContain('all formatted');
		expect(status).toBe(0);
	});

	it('fails on one mis-formatted file, in any folder, and names it', () => {
		const dir = folderWith('misformatted', { 'a.ts': FORMATTED, 'nested/b.ts': MISFORMATTED });

		const { status, output } = verifyAlone('formatted', dir);

		expect(output).toContain('1 files not formatted');
		expect(output).toContain('nested/b.ts');
		expect(output).not.toMatch(/^\s+a\.ts$/m);
		expect(status).toBe(1);
	});
});
