/** Scenario rows: a mixed batch. */
import { at, deleted, idAt } from '../cast.ts';
import { DELETE_OR_FAIL, failed, NOT_LINKED } from './shared.ts';
import { contains } from '../types.ts';
import type { ExpectedItem, Scenario } from '../types.ts';

const MIXED_KINDS = [
	'linked',
	'unknown',
	'invalid',
	'duplicate, upper case',
	'linked, no hyphens',
	'duplicate unknown, padded',
] as const;
const MIXED_ROWS = Array.from({ length: 60 }, (_, row) => {
	const n = Math.floor(row / 6);
	const kind = MIXED_KINDS[row % 6];
	const userId: Record<(typeof MIXED_KINDS)[number], string> = {
		linked: idAt('5eed0000', n),
		unknown: idAt('dead0000', n),
		invalid: `R-${row}`,
		'duplicate, upper case': idAt('5eed0000', n).toUpperCase(),
		'linked, no hyphens': idAt('5eed0001', n).replace(/-/g, ''),
		'duplicate unknown, padded': ` ${idAt('dead0000', n)} `,
	};
	return { row, kind, user_id: userId[kind], email: `person${row}@example.com` };
});
const MIXED_LINKED = Array.from({ length: 10 }, (_, n) => [
	idAt('5eed0000', n),
	idAt('5eed0001', n),
]).flat();
const MIXED_FAILS = ['unknown', 'invalid', 'duplicate unknown, padded'];
const mixedMain: ExpectedItem[] = MIXED_ROWS.filter((row) => !MIXED_FAILS.includes(row.kind)).map(
	(row) => at(row.row, deleted(row.user_id)),
);
const mixedError: ExpectedItem[] = MIXED_ROWS.filter((row) => MIXED_FAILS.includes(row.kind)).map(
	(row) =>
		at(
			row.row,
			failed(
				row,
				row.kind === 'invalid'
					? `'${row.user_id}' is not a valid user ID [item ${row.row}]`
					: NOT_LINKED(row.user_id.trim()),
				contains(row.kind === 'invalid' ? 'UUID' : 'not linked to this organization'),
			),
		),
);

export const ROWS: readonly Scenario[] = [
	{
		name: 'a mixed batch of 60: every row once, on the right output, in input order, paired to itself',
		e2e: true,
		node: { ...DELETE_OR_FAIL, options: { concurrency: 8 } },
		onError: 'continueErrorOutput',
		items: MIXED_ROWS,
		// Uneven answer times, so that answers come back out of order.
		standIn: {
			users: MIXED_LINKED.map((user_id) => ({ user_id })),
			faults: { latencyMs: 5, slowRate: 0.3, slowMs: 150 },
		},
		expected: { main: mixedMain, error: mixedError },
		effects: {
			requests: { 'users/delete': 30 },
			statuses: { '200': 20, '404': 10 },
			removed: MIXED_LINKED,
			maxInFlight: { min: 2, max: 8 },
		},
	},
];
