/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * The two services n8n's queue mode needs besides n8n itself, started by the test as plain child
 * processes, each in its own process group, bound to 127.0.0.1 on a free port, stopped by process
 * id: a throw-away PostgreSQL cluster (`initdb` into a temporary folder, then the `postgres` server
 * itself, no system service) and a `redis-server` without persistence.
 *
 * The binaries come from Debian's packages `postgresql` (in /usr/lib/postgresql/<version>/bin) and
 * `redis-server`; when one is missing, findQueueBinaries() says which package to install.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
	chownSync,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

import { freePort } from './n8n.ts';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

export interface QueueBinaries {
	redisServer: string;
	/** The folder holding initdb, postgres and createdb. */
	postgresBin: string;
}

/** Thrown when a binary is missing; its message names the Debian packages to install. */
export class MissingPackagesError extends Error {
	readonly packages: string[];

	constructor(packages: string[], missing: string[]) {
		super(
			`n8n's queue mode needs ${missing.join(' and ')}, not found on this machine. ` +
				`On Debian/Ubuntu: apt-get install -y ${packages.join(' ')} ` +
				'(no service needs to run: the suite starts its own, on 127.0.0.1, and stops it).',
		);
		this.name = 'MissingPackagesError';
		this.packages = packages;
	}
}

/** Where to look; the defaults are the machine's (tests point them elsewhere). */
export interface SearchPlaces {
	/** Default: process.env.PATH. */
	path?: string;
	/** Debian's folder of PostgreSQL versions; default /usr/lib/postgresql. */
	postgresRoot?: string;
	/** Default: /usr/bin/redis-server, /usr/sbin/redis-server. */
	redisCandidates?: string[];
}

/** Where redis-server and PostgreSQL's server binaries are; throws MissingPackagesError. */
export function findQueueBinaries(places: SearchPlaces = {}): QueueBinaries {
	const searchPath = places.path ?? process.env.PATH ?? '';
	const redisServer =
		onPath('redis-server', searchPath) ??
		existing(places.redisCandidates ?? ['/usr/bin/redis-server', '/usr/sbin/redis-server']);
	const postgresBin = findPostgresBin(places.postgresRoot ?? '/usr/lib/postgresql', searchPath);
	const packages: string[] = [];
	const missing: string[] = [];
	if (redisServer === undefined) {
		packages.push('redis-server');
		missing.push('redis-server');
	}
	if (postgresBin === undefined) {
		packages.push('postgresql');
		missing.push("PostgreSQL's initdb and postgres");
	}
	if (redisServer === undefined || postgresBin === undefined)
		throw new MissingPackagesError(packages, missing);
	return { redisServer, postgresBin };
}

/** Debian keeps the server binaries off PATH, one folder per major version: take the newest. */
function findPostgresBin(debianRoot: string, searchPath: string): string | undefined {
	const hasServer = (dir: string) =>
		['initdb', 'postgres', 'createdb'].every((name) => existsSync(path.join(dir, name)));
	if (existsSync(debianRoot)) {
		const versions = readdirSync(debianRoot)
			.filter((name) => /^\d+(\.\d+)?$/.test(name))
			.sort((a, b) => Number(b) - Number(a));
		for (const version of versions) {
			const dir = path.join(debianRoot, version, 'bin');
			if (hasServer(dir)) return dir;
		}
	}
	const initdb = onPath('initdb', searchPath);
	if (initdb !== undefined) {
		for (const dir of [path.dirname(initdb), path.dirname(realPath(initdb))])
			if (hasServer(dir)) return dir;
	}
	return undefined;
}

function onPath(name: string, searchPath: string): string | undefined {
	for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
		const candidate = path.join(dir, name);
		if (existsSync(candidate)) return candidate;
	}
	return undefined;
}

function existing(candidates: string[]): string | undefined {
	return candidates.find((candidate) => existsSync(candidate));
}

function realPath(file: string): string {
	try {
		return execFileSync('readlink', ['-f', file], { encoding: 'utf8' }).trim();
	} catch {
		return file;
	}
}

// ---------------------------------------------------------------- processes

export interface ServiceProcess {
	readonly name: string;
	/** Also the process group id: the service and anything it forked. */
	readonly pid: number;
	readonly port: number;
	/** Resolves with how the process ended. */
	readonly exited: Promise<string>;
	output(): string;
	/** Asks the process to stop (its own graceful signal), then kills its group; idempotent. */
	stop(): Promise<void>;
}

interface SpawnSpec {
	name: string;
	command: string;
	args: string[];
	port: number;
	cwd: string;
	/** The signal that makes the service shut down cleanly. */
	stopSignal: NodeJS.Signals;
	uid?: number;
	gid?: number;
	env?: Record<string, string>;
}

function spawnService(spec: SpawnSpec): ServiceProcess {
	const child = spawn(spec.command, spec.args, {
		cwd: spec.cwd,
		env: spec.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		uid: spec.uid,
		gid: spec.gid,
	});
	if (child.pid === undefined) throw new Error(`could not start ${spec.name}`);
	const pid = child.pid;
	let output = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
	let ended: string | undefined;
	const exited = new Promise<string>((resolve) => {
		child.once('error', (error) => {
			ended = `${spec.name} could not start: ${error.message}`;
			resolve(ended);
		});
		child.once('exit', (code, signal) => {
			ended = `${spec.name} exited (${code ?? signal})`;
			resolve(ended);
		});
	});
	let stopping: Promise<void> | undefined;
	const stop = (): Promise<void> =>
		(stopping ??= (async () => {
			if (ended === undefined) {
				killGroup(pid, spec.stopSignal, true);
				const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), STOP_TIMEOUT_MS);
				await exited;
				clearTimeout(timer);
			}
			killGroup(pid, 'SIGKILL');
		})());
	return { name: spec.name, pid, port: spec.port, exited, output: () => output, stop };
}

/** `leaderOnly`: the graceful signal goes to the server itself, which stops its own children. */
function killGroup(pid: number, signal: NodeJS.Signals, leaderOnly = false): void {
	try {
		process.kill(leaderOnly ? pid : -pid, signal);
	} catch {
		// already gone
	}
}

async function waitUntil(
	service: ServiceProcess,
	isReady: () => Promise<boolean> | boolean,
	timeoutMs = START_TIMEOUT_MS,
): Promise<void> {
	let ended: string | undefined;
	void service.exited.then((why) => (ended = why));
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		if (ended !== undefined) throw new Error(`${ended} while starting:\n${tail(service.output())}`);
		if (await isReady()) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	await service.stop();
	throw new Error(
		`${service.name} was not ready within ${timeoutMs} ms:\n${tail(service.output())}`,
	);
}

function tail(text: string, lines = 30): string {
	return text.split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------- redis

export interface RedisServer extends ServiceProcess {
	readonly host: '127.0.0.1';
}

/** redis-server on a free 127.0.0.1 port, nothing written to disk (no RDB, no AOF). */
export async function startRedis(binaries: QueueBinaries): Promise<RedisServer> {
	// Its working folder, though it should write nothing there.
	const workDir = mkdtempSync(path.join(tmpdir(), 'pb-queue-redis-'));
	const port = await freePort();
	const service = spawnService({
		name: 'redis-server',
		command: binaries.redisServer,
		args: [
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
			'--dir',
			workDir,
			'--logfile',
			'',
		],
		port,
		cwd: workDir,
		stopSignal: 'SIGTERM',
	});
	try {
		await waitUntil(service, () => redisAnswersPing(port));
	} catch (error) {
		rmSync(workDir, { recursive: true, force: true });
		throw error;
	}
	let removing: Promise<void> | undefined;
	return {
		...service,
		host: '127.0.0.1',
		stop: () =>
			(removing ??= (async () => {
				await service.stop();
				rmSync(workDir, { recursive: true, force: true });
			})()),
	};
}

async function redisAnswersPing(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = connect({ host: '127.0.0.1', port });
		let answer = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1_000, () => done(false));
		socket.once('error', () => done(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk.toString('utf8');
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

// ---------------------------------------------------------------- postgres

export interface PostgresCluster extends ServiceProcess {
	readonly host: '127.0.0.1';
	readonly database: string;
	readonly user: string;
	readonly password: string;
	/** The cluster's folder (data directory inside); removed by stop(). */
	readonly folder: string;
	/** n8n's DB_* settings for this database. */
	n8nEnv(): Record<string, string>;
}

/**
 * A fresh cluster in a temporary folder: `initdb` (as the `postgres` system user when the test
 * runs as root, since PostgreSQL refuses to run as root), then the `postgres` server as a child
 * process on a free 127.0.0.1 port, TCP only (no Unix socket), password authentication, and one
 * database for n8n. Durability settings are off: the cluster lives for one test run.
 */
export async function startPostgres(binaries: QueueBinaries): Promise<PostgresCluster> {
	const folder = mkdtempSync(path.join(tmpdir(), 'pb-queue-pg-'));
	const cluster: ClusterSetup = {
		binaries,
		folder,
		dataDir: path.join(folder, 'data'),
		user: 'n8n',
		database: 'n8n',
		password: randomBytes(18).toString('base64url'),
		runAs: unprivilegedUser(),
		env: {
			PATH: `${binaries.postgresBin}${path.delimiter}${process.env.PATH ?? '/usr/bin:/bin'}`,
			LANG: 'C.UTF-8',
			LC_ALL: 'C.UTF-8',
		},
	};
	try {
		if (cluster.runAs !== undefined) chownSync(folder, cluster.runAs.uid, cluster.runAs.gid);
		await initCluster(cluster);
		const server = await startPostmaster(cluster);
		await createDatabase(cluster, server);
		return asCluster(cluster, server);
	} catch (error) {
		rmSync(folder, { recursive: true, force: true });
		throw error;
	}
}

interface ClusterSetup {
	binaries: QueueBinaries;
	/** The temporary folder: the data directory and, while initdb runs, the password file. */
	folder: string;
	dataDir: string;
	user: string;
	database: string;
	password: string;
	/** The system user PostgreSQL runs as when we are root. */
	runAs: { uid: number; gid: number } | undefined;
	env: Record<string, string>;
}

/** `initdb`: password authentication for TCP and local, no locale, no fsync. */
async function initCluster(cluster: ClusterSetup): Promise<void> {
	const { folder, runAs } = cluster;
	const passwordFile = path.join(folder, 'password');
	writeFileSync(passwordFile, `${cluster.password}\n`, { mode: 0o600 });
	if (runAs !== undefined) chownSync(passwordFile, runAs.uid, runAs.gid);
	const initdb = spawnService({
		name: 'initdb',
		command: path.join(cluster.binaries.postgresBin, 'initdb'),
		args: [
			...['--pgdata', cluster.dataDir, '--username', cluster.user, '--pwfile', passwordFile],
			...['--auth-host', 'scram-sha-256', '--auth-local', 'scram-sha-256'],
			...['--encoding', 'UTF8', '--no-locale', '--no-sync'],
		],
		port: 0,
		cwd: folder,
		stopSignal: 'SIGTERM',
		uid: runAs?.uid,
		gid: runAs?.gid,
		env: cluster.env,
	});
	const timer = setTimeout(() => void initdb.stop(), START_TIMEOUT_MS);
	const initialised = await initdb.exited;
	clearTimeout(timer);
	if (!initialised.endsWith('(0)')) throw new Error(`${initialised}:\n${tail(initdb.output())}`);
	rmSync(passwordFile, { force: true });
}

/** The `postgres` server on a free 127.0.0.1 port, TCP only, durability off; once it is ready. */
async function startPostmaster(cluster: ClusterSetup): Promise<ServiceProcess> {
	const port = await freePort();
	const settings = [
		'listen_addresses=127.0.0.1',
		'unix_socket_directories=',
		'fsync=off',
		'synchronous_commit=off',
		'full_page_writes=off',
		'max_connections=100',
	];
	const server = spawnService({
		name: 'postgres',
		command: path.join(cluster.binaries.postgresBin, 'postgres'),
		args: [
			'-D',
			cluster.dataDir,
			'-p',
			String(port),
			...settings.flatMap((setting) => ['-c', setting]),
		],
		port,
		cwd: cluster.folder,
		// Fast shutdown: ends the sessions (n8n's connection pools) instead of waiting for them.
		stopSignal: 'SIGINT',
		uid: cluster.runAs?.uid,
		gid: cluster.runAs?.gid,
		env: cluster.env,
	});
	await waitUntil(server, () => postmasterReady(cluster.dataDir));
	return server;
}

async function createDatabase(cluster: ClusterSetup, server: ServiceProcess): Promise<void> {
	const { user, database, password } = cluster;
	const created = await runClient(
		path.join(cluster.binaries.postgresBin, 'createdb'),
		['--host', '127.0.0.1', '--port', String(server.port), '--username', user, database],
		{ ...cluster.env, PGPASSWORD: password },
	);
	if (created.code !== 0) {
		await server.stop();
		throw new Error(`createdb failed (${created.code}): ${created.output}`);
	}
}

/** The running server as a PostgresCluster whose stop() also removes its folder. */
function asCluster(cluster: ClusterSetup, server: ServiceProcess): PostgresCluster {
	const { folder, user, database, password } = cluster;
	let removing: Promise<void> | undefined;
	return {
		...server,
		host: '127.0.0.1',
		database,
		user,
		password,
		folder,
		n8nEnv: () => ({
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(server.port),
			DB_POSTGRESDB_DATABASE: database,
			DB_POSTGRESDB_USER: user,
			DB_POSTGRESDB_PASSWORD: password,
		}),
		stop: () =>
			(removing ??= (async () => {
				await server.stop();
				if (process.env.PB_E2E_KEEP !== '1') rmSync(folder, { recursive: true, force: true });
			})()),
	};
}

/** Line 8 of postmaster.pid says `ready` once the server accepts connections. */
function postmasterReady(dataDir: string): boolean {
	try {
		const lines = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
		return lines[7]?.trim() === 'ready';
	} catch {
		return false;
	}
}

/** PostgreSQL refuses to run as root: when we are root, run it as Debian's `postgres` user. */
function unprivilegedUser(): { uid: number; gid: number } | undefined {
	if (process.getuid?.() !== 0) return undefined;
	for (const name of ['postgres', 'nobody']) {
		const entry = readFileSync('/etc/passwd', 'utf8')
			.split('\n')
			.map((line) => line.split(':'))
			.find((fields) => fields[0] === name);
		if (entry !== undefined) return { uid: Number(entry[2]), gid: Number(entry[3]) };
	}
	throw new Error(
		'running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as',
	);
}

async function runClient(
	command: string,
	args: string[],
	env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
	return await new Promise((resolve, reject) => {
		const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
		child.once('error', reject);
		child.once('close', (code) => {
			clearTimeout(timer);
			resolve({ code, output });
		});
	});
}
