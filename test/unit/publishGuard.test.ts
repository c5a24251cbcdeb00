/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * scripts/publish-guard.mjs, the prepublishOnly script and the Publish workflow's first step: only
 * this repository's Publish workflow, on a push of the tag v<package.json's version>, may publish.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.join(__dirname, '..', '..');
const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
	version: string;
};
const REPO = 'productbridge/n8n-nodes-productbridge';
const TAG = `v${version}`;

/** The variables GitHub Actions sets for a push of the release tag to the Publish workflow. */
const PUBLISH_RUN = {
	GITHUB_ACTIONS: 'true',
	GITHUB_REPOSITORY: REPO,
	GITHUB_EVENT_NAME: 'push',
	GITHUB_REF: `refs/tags/${TAG}`,
	GITHUB_WORKFLOW_REF: `${REPO}/.github/workflows/publish.yml@refs/tags/${TAG}`,
};

function guard(github: Record<string, string>) {
	// Without the GITHUB_* variables of the run this test may itself be in.
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([name]) => !name.startsWith('GITHUB_')),
	);
	const result = spawnSync(process.execPath, ['scripts/publish-guard.mjs'], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
		env: { ...env, ...github },
	});
	return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the publish guard', () => {
	it("lets the Publish workflow publish on the tag of package.json's version", () => {
		const { status, output } = guard(PUBLISH_RUN);

		expect(output).toContain(`the Publish workflow of ${REPO}, tag ${TAG}`);
		expect(status).toBe(0);
	});

	it('stops a publish from a laptop and says how to release', () => {
		const { status, output } = guard({});

		expect(output).toContain('Not here: this is not a GitHub Actions run.');
		expect(output).toContain('To release');
		expect(output).toContain('git tag v<version>');
		expect(status).toBe(1);
	});

	it.each([
		['another tag', { GITHUB_REF: 'refs/tags/v99.0.0' }, `not a push of the tag ${TAG}`],
		['a branch', { GITHUB_REF: 'refs/heads/main' }, `not a push of the tag ${TAG}`],
		[
			'another workflow',
			{ GITHUB_WORKFLOW_REF: `${REPO}/.github/workflows/ci.yml@refs/tags/${TAG}` },
			'not productbridge/n8n-nodes-productbridge/.github/workflows/publish.yml',
		],
		['a fork', { GITHUB_REPOSITORY: 'someone/n8n-nodes-productbridge' }, 'the run is in someone/'],
		['a pull request', { GITHUB_EVENT_NAME: 'pull_request' }, 'for pull_request of'],
	])('stops %s', (_case, change: Record<string, string>, reason) => {
		const { status, output } = guard({ ...PUBLISH_RUN, ...change });

		expect(output).toContain(reason);
		expect(status).toBe(1);
	});
});
