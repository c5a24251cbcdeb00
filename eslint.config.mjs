import { config } from '@n8n/node-cli/eslint';

// n8n's official rules, unchanged, for everything the package ships (nodes, credentials,
// package.json). The tests, scripts and benchmark are Node programs, not node code: they use process,
// timers and the console, which those rules forbid, so they are checked by tsc instead.
export default [
	{ ignores: ['test/**', 'scripts/**', 'bench/**', 'examples/**', 'docs/**', 'gulpfile.js', 'jest*.config.js'] },
	...config,
];
