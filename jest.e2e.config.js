/** End-to-end suite: a real n8n (pinned, cached outside the repo) runs this package as a
 * community node against the local ProductBridge stand-in. `npm run test:e2e`; for the last n8n 1.x,
 * `N8N_VERSION=1.123.81 npm run test:e2e`. The last line printed is `e2e: N passed, N failed`. */
module.exports = {
	...require('./jest.config.js'),
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
	// One n8n at a time: each command boots n8n, and two would fight over CPU on a 2-core runner.
	maxWorkers: 1,
	// Per test; the suite's beforeAll may install n8n into a cold cache and sets its own, longer limit.
	testTimeout: 5 * 60_000,
	reporters: ['default', ['<rootDir>/test/support/summary-reporter.js', { label: 'e2e' }]],
};
