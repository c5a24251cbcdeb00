/** Unit and engine-level tests: the HTTP layer against a real local stand-in, the node inside
 * n8n-core's own WorkflowExecute. The end-to-end suite in a real n8n has its own config. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['<rootDir>/test/{unit,engine}/**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
	},
	testTimeout: 30000,
};
