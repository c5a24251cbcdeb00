// ESLint config for the JavaScript files around the node: the build (gulpfile.js), the jest and
// prettier configs, the publish guard (scripts/publish-guard.mjs), the jest reporter and the
// fixture packages in test/support/fixtures/. `npm run lint` runs it after `n8n-node lint`.
//
// n8n's default eslint.config.mjs (kept unmodified, as `n8n-node lint`'s strict mode and
// `n8n-node cloud-support` require) lints every `**/*.ts`: the node code under its full rules,
// and the TypeScript programs in tools/, test/, scripts/ and bench/ too. Each of those programs
// turns off, in its first line, the community-node rules that forbid what it must do (process,
// timers, the console, node:fs, child processes, demo keys) and says why: it never ships and
// never runs inside n8n. n8n's config does not look at .js/.mjs/.cjs files at all; this one does.
import js from '@eslint/js';
import globals from 'globals';

export default [
	{ ignores: ['dist/', 'node_modules/'] },
	{
		files: ['**/*.{js,mjs,cjs}'],
		...js.configs.recommended,
		languageOptions: { globals: globals.node },
	},
	{
		// CommonJS: the build, the jest configs, a jest reporter, and fixture packages shaped like
		// a built community node.
		files: ['**/*.{js,cjs}'],
		languageOptions: { sourceType: 'commonjs', globals: globals.node },
	},
];
