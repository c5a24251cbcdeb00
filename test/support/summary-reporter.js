/**
 * A jest reporter that adds one closing line, e.g. `e2e: 12 passed, 0 failed`, to jest's own
 * output; list it after 'default', which it leaves alone:
 *
 *   reporters: ['default', ['<rootDir>/test/support/summary-reporter.js', { label: 'e2e' }]]
 *
 * Jest always runs its summary reporter after every configured one, and prints
 * "Ran all test suites." from it, so the line is written when the process exits: it is then the
 * last line whatever jest printed before. A test file that could not run at all (a syntax error, a
 * crash outside any test) counts as one failure, so a broken suite never reads "0 failed".
 */
class SummaryReporter {
	constructor(_globalConfig, options = {}) {
		this.label = options.label ?? 'tests';
		this.line = undefined;
		this.printed = false;
	}

	onRunComplete(_contexts, results) {
		const passed = results.numPassedTests;
		let failed = results.numFailedTests;
		for (const file of results.testResults) {
			if (file.numFailingTests === 0 && (file.testExecError !== undefined || file.failureMessage))
				failed += 1;
		}
		if (results.numRuntimeErrorTestSuites > 0 && results.testResults.length === 0)
			failed += results.numRuntimeErrorTestSuites;
		this.line = `${this.label}: ${passed} passed, ${failed} failed\n`;
		if (this.printed === false) {
			this.printed = true;
			process.once('exit', () => process.stdout.write(this.line));
		}
	}
}

module.exports = SummaryReporter;
