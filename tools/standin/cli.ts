/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * Runs the ProductBridge stand-in as its own process (see USAGE). Prints one JSON line,
 * {"url": ..., "apiKey": ...}, once listening, so a parent process can read where it is; then runs
 * until SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';

import { DEMO_USERS, startStandIn } from './server.ts';
import type { RetryAfterStyle, StandInOptions } from './server.ts';

const USAGE = `Usage: node tools/standin/cli.ts [options]

A local stand-in for the ProductBridge public API (POST /api/external/v1/...).
Prints {"url": "http://127.0.0.1:PORT", "apiKey": "..."} on one line once listening.

  --port N                 port to listen on (default: any free port)
  --host 127.x.x.x         loopback address to bind (default 127.0.0.1)
  --api-key KEY            the accepted api_key (default: the demo key)
  --demo-users             seed the demo users (Ada Lovelace, Grace Hopper, ...)
  --accept-any-user        any valid UUID counts as a linked user until deleted
  --latency MS             delay every answer
  --rate N                 allow N requests per second, then answer 429
  --burst N                rate-limit bucket size (default: the rate)
  --retry-after STYLE      with --rate: seconds | http-date | none (default seconds)
  --error-rate-503 P       answer 503 to this share of requests (0..1), before acting
  --reset-rate P           drop the connection for this share of requests (0..1)
  --reset-after-acting     drop it after the endpoint acted (the deletion happened)
  --delete-leaves-user-linked
                           deletes answer 200 but the user stays linked
  --slow-rate P            answer this share of requests after --slow-ms instead
  --slow-ms MS             how late a slow answer comes (the endpoint acts first)
  --seed N                 seed for the random faults (reproducible runs)
  --no-record              keep counters only, not every call
  --help                   show this text

Control endpoints (no api key, not counted): GET /__standin/state[?calls=0|?since=N],
POST /__standin/reset, POST /__standin/configure {faults}, POST /__standin/users {users: [...]}.
`;

const RETRY_AFTER_STYLES = ['seconds', 'http-date', 'none'];

function parseCommandLine(args: string[]) {
	return parseArgs({
		args,
		strict: true,
		options: {
			port: { type: 'string' },
			host: { type: 'string' },
			'api-key': { type: 'string' },
			'demo-users': { type: 'boolean' },
			'accept-any-user': { type: 'boolean' },
			latency: { type: 'string' },
			rate: { type: 'string' },
			burst: { type: 'string' },
			'retry-after': { type: 'string', default: 'seconds' },
			'error-rate-503': { type: 'string' },
			'reset-rate': { type: 'string' },
			'reset-after-acting': { type: 'boolean' },
			'delete-leaves-user-linked': { type: 'boolean' },
			'slow-rate': { type: 'string' },
			'slow-ms': { type: 'string' },
			seed: { type: 'string' },
			'no-record': { type: 'boolean' },
			help: { type: 'boolean', short: 'h' },
		},
	}).values;
}

type CommandLine = ReturnType<typeof parseCommandLine>;

function standInOptions(values: CommandLine): StandInOptions {
	return {
		port: numberOption('--port', values.port),
		host: values.host,
		apiKey: values['api-key'],
		users: values['demo-users'] ? DEMO_USERS : [],
		acceptAnyUser: values['accept-any-user'],
		latencyMs: numberOption('--latency', values.latency),
		rateLimit: rateLimitOption(values),
		errorRate503: numberOption('--error-rate-503', values['error-rate-503']),
		resetRate: numberOption('--reset-rate', values['reset-rate']),
		resetAfterActing: values['reset-after-acting'],
		deleteLeavesUserLinked: values['delete-leaves-user-linked'],
		slowRate: numberOption('--slow-rate', values['slow-rate']),
		slowMs: numberOption('--slow-ms', values['slow-ms']),
		seed: numberOption('--seed', values.seed),
		recordCalls: !values['no-record'],
	};
}

function rateLimitOption(values: CommandLine): StandInOptions['rateLimit'] {
	const perSecond = numberOption('--rate', values.rate);
	if (perSecond === undefined) return undefined;
	const retryAfter = values['retry-after'];
	if (!RETRY_AFTER_STYLES.includes(retryAfter)) {
		throw new Error(`--retry-after must be one of ${RETRY_AFTER_STYLES.join(', ')}`);
	}
	const burst = numberOption('--burst', values.burst);
	return { perSecond, burst, retryAfter: retryAfter as RetryAfterStyle };
}

function numberOption(flag: string, value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const number = Number(value);
	if (value.trim() === '' || !Number.isFinite(number)) {
		throw new Error(`${flag} needs a number, got ${JSON.stringify(value)}`);
	}
	return number;
}

async function main(): Promise<void> {
	const values = parseCommandLine(process.argv.slice(2));
	if (values.help) {
		process.stdout.write(USAGE);
		return;
	}
	const standIn = await startStandIn(standInOptions(values));
	process.stdout.write(`${JSON.stringify({ url: standIn.url, apiKey: standIn.apiKey })}\n`);
	const shutDown = (): void => {
		standIn.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGINT', shutDown);
	process.once('SIGTERM', shutDown);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`ProductBridge stand-in: ${error instanceof Error ? error.message : String(error)}\n`,
	);
	process.stderr.write('Try --help.\n');
	process.exit(2);
});
