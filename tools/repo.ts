/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Where this checkout is. The tools are ES modules that Node runs as they are (type stripping)
 * and that jest loads after ts-jest has turned them into CommonJS; neither `__dirname` (absent in
 * an ES module) nor `import.meta` (a syntax error in CommonJS) works in both. So the root is found
 * from the program that is running, `process.argv[1]`: a script of this checkout
 * (`node tools/standin/cli.ts`, `node scripts/verify.ts`) or this checkout's jest
 * (`node_modules/jest/bin/jest.js`, or a jest worker under `node_modules/`). Walking up from it
 * reaches this package's package.json whatever the working directory is, so a script run from
 * /tmp works and one run from inside another checkout still uses its own. PB_REPO_ROOT overrides.
 * This is the one place that difference shows; see CONTRIBUTING.md, "One module system".
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-productbridge';

export const REPO_ROOT = findRepoRoot(process.env.PB_REPO_ROOT || process.argv[1]);

function findRepoRoot(start: string | undefined): string {
	if (start === undefined)
		throw new Error(`no program to find the ${PACKAGE_NAME} checkout from; set PB_REPO_ROOT`);
	for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
		if (isThisPackage(path.join(dir, 'package.json'))) return dir;
		if (path.dirname(dir) === dir)
			throw new Error(`no ${PACKAGE_NAME} checkout above ${start}; set PB_REPO_ROOT`);
	}
}

function isThisPackage(manifest: string): boolean {
	if (!existsSync(manifest)) return false;
	return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME;
}
