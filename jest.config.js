/** Unit and engine-level tests: the HTTP layer against a real local stand-in, the node inside
 * n8n-core's own WorkflowExecute. The e2e and queue suites extend this config in their own files.
 *
 * Why three files and not one config with jest `projects`: `maxWorkers` and `reporters` are
 * global in jest 30, not per project, and jest has no default project, so a bare `npx jest` would
 * start the e2e and queue suites too (a real n8n, Postgres, Redis) and lose their one-worker
 * limit and their summary line unless every command repeats them. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['<rootDir>/test/{unit,engine}/**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	testTimeout: 30000,
};
