/** Queue-mode suite: this package in n8n's queue mode (Postgres, Redis, main and two workers, all
 * started by the test on 127.0.0.1). `npm run test:queue`; not part of `npm run test:e2e`.
 * The last line printed is `queue: N passed, N failed`. */
module.exports = {
	...require('./jest.config.js'),
	testMatch: ['<rootDir>/test/queue/**/*.queue.test.ts'],
	// One n8n deployment at a time: it is already four Node.js processes on a 2-core runner.
	maxWorkers: 1,
	// Per test; the suite's beforeAll may install n8n into a cold cache and sets its own, longer limit.
	testTimeout: 5 * 60_000,
	reporters: ['default', ['<rootDir>/test/support/summary-reporter.js', { label: 'queue' }]],
};
