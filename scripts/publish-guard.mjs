// The package's prepublishOnly script, and the first step of .github/workflows/publish.yml.
//
// n8n verifies only community packages published from a GitHub Actions workflow with an npm
// provenance statement, and provenance ties the package to the repository in package.json. So this
// package is published by one workflow only, the Publish workflow, when a v<version> tag of this
// repository is pushed; anything else stops here with the way to release. Plain JavaScript, so it
// runs on whatever Node.js the runner or the laptop has.
import { readFileSync } from 'node:fs';

const WORKFLOW = '.github/workflows/publish.yml';
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const version = manifest.version;
const tag = `v${version}`;
const repoUrl =
	typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
const repository = /github\.com[/:]([^/]+\/[^/]+?)(?:\.git)?$/.exec(repoUrl ?? '')?.[1];

/** Why this is not the Publish workflow on the release tag, or undefined when it is. */
function refusal(env) {
	if (!repository) return `package.json's repository.url (${repoUrl}) names no GitHub repository`;
	if (env.GITHUB_ACTIONS !== 'true') return 'this is not a GitHub Actions run';
	const expectedWorkflow = `${repository}/${WORKFLOW}@refs/tags/${tag}`;
	if (env.GITHUB_REPOSITORY !== repository) {
		return `the run is in ${env.GITHUB_REPOSITORY}, and package.json's repository is ${repository}`;
	}
	if (env.GITHUB_EVENT_NAME !== 'push' || env.GITHUB_REF !== `refs/tags/${tag}`) {
		return `the run is for ${env.GITHUB_EVENT_NAME} of ${env.GITHUB_REF}, not a push of the tag ${tag} (package.json's version)`;
	}
	if (env.GITHUB_WORKFLOW_REF !== expectedWorkflow) {
		return `the workflow is ${env.GITHUB_WORKFLOW_REF}, not ${expectedWorkflow}`;
	}
	return undefined;
}

const reason = refusal(process.env);
if (reason) {
	console.error(`npm publish stopped: ${manifest.name} is published only by its Publish workflow
(${WORKFLOW}) on a push of the tag v<version>, with npm provenance,
as n8n requires of the community packages it verifies.
Not here: ${reason}.

To release (README.md, Releasing):
  1. npm version <patch|minor|major> --no-git-tag-version
  2. In CHANGELOG.md, move the Unreleased entries under the new version, dated today.
  3. git commit -am "Release <version>" && git tag v<version> && git push origin HEAD v<version>
The Publish workflow then runs the same checks as CI and publishes to npm with provenance.`);
	process.exit(1);
}
console.log(`${manifest.name}@${version}: the Publish workflow of ${repository}, tag ${tag}`);
