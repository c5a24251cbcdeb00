/* eslint-disable @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/** The queue-mode suite's look-up of PostgreSQL and redis-server (tools/queue-services.ts). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { findQueueBinaries, MissingPackagesError } from '../../tools/queue-services.ts';

describe('findQueueBinaries', () => {
	let root: string;

	beforeEach(() => {
		root = mkdtempSync(path.join(tmpdir(), 'pb-queue-binaries-'));
	});

	afterEach(() => rmSync(root, { recursive: true, force: true }));

	function fakeBinaries(dir: string, names: string[]): void {
		mkdirSync(dir, { recursive: true });
		for (const name of names) writeFileSync(path.join(dir, name), '#!/bin/sh\n', { mode: 0o755 });
	}

	const nowhere = () => ({
		path: path.join(root, 'empty-bin'),
		postgresRoot: path.join(root, 'no-postgresql'),
		redisCandidates: [path.join(root, 'no-redis-server')],
	});

	it('names both Debian packages when neither is installed', () => {
		expect(() => findQueueBinaries(nowhere())).toThrow(MissingPackagesError);
		expect(() => findQueueBinaries(nowhere())).toThrow(
			'apt-get install -y redis-server postgresql',
		);
	});

	it('names only the missing package', () => {
		fakeBinaries(path.join(root, 'bin'), ['redis-server']);
		let error: unknown;
		try {
			findQueueBinaries({ ...nowhere(), path: path.join(root, 'bin') });
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(MissingPackagesError);
		expect((error as MissingPackagesError).packages).toEqual(['postgresql']);
		expect((error as Error).message).toContain('apt-get install -y postgresql');
	});

	it("takes the newest of Debian's PostgreSQL versions, and redis-server from PATH", () => {
		const postgresRoot = path.join(root, 'postgresql');
		fakeBinaries(path.join(postgresRoot, '9.6', 'bin'), ['initdb', 'postgres', 'createdb']);
		fakeBinaries(path.join(postgresRoot, '15', 'bin'), ['initdb', 'postgres', 'createdb']);
		fakeBinaries(path.join(postgresRoot, '17', 'bin'), ['initdb']);
		fakeBinaries(path.join(root, 'bin'), ['redis-server']);
		expect(findQueueBinaries({ ...nowhere(), path: path.join(root, 'bin'), postgresRoot })).toEqual(
			{
				redisServer: path.join(root, 'bin', 'redis-server'),
				postgresBin: path.join(postgresRoot, '15', 'bin'),
			},
		);
	});
});
