/**
 * Where this checkout is. The tools are ES modules that Node runs as they are (type stripping)
 * and that jest loads after ts-jest has turned them into CommonJS; neither `__dirname` (absent in
 * an ES module) nor `import.meta` (a syntax error in CommonJS) works in both, so the root is found
 * by walking up from the working directory (or PB_REPO_ROOT) to this package's package.json.
 * This is the one place that difference shows; see CONTRIBUTING.md, "One module system".
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-productbridge';

export const REPO_ROOT = findRepoRoot(process.env.PB_REPO_ROOT ?? process.cwd());

function findRepoRoot(start: string): string {
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
