// ESLint config for the repository's Node programs: the tools that run things (tools/), the tests
// (test/), the developer scripts (scripts/) and the benchmark (bench/). Each of those folders has
// an eslint.config.mjs that re-exports this one, and `npm run lint` runs ESLint with the `unstable_config_lookup_from_file`
// flag (the default from ESLint 10 on), so every file is linted by the config nearest to it.
//
// The root eslint.config.mjs stays n8n's default, unmodified, as `n8n-node lint`'s strict mode and
// `n8n-node cloud-support` require; its community-node rules keep applying to nodes/, credentials/
// and package.json. They forbid, in code that runs inside n8n, exactly what these programs must
// do: use process, timers, the console, node:fs and the dev dependencies (n8n-core,
// playwright-core). These programs never ship (package.json "files" is dist/ only), so they get
// the general JavaScript and TypeScript rules instead, with Node's globals.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended],
		languageOptions: { globals: globals.node },
	},
	{
		files: ['**/*.{js,mjs,cjs}'],
		extends: [js.configs.recommended],
		languageOptions: { globals: globals.node },
	},
	{
		// CommonJS helpers: a jest reporter, and fixture packages shaped like a built community node.
		files: ['**/*.{js,cjs}'],
		languageOptions: { sourceType: 'commonjs' },
	},
);
