/**
 * Every behaviour of the node as one table: items, stand-in, parameters → outputs and what
 * ProductBridge saw. test/engine/scenarios.test.ts runs every row inside n8n-core's engine (the
 * gate for behaviour); test/e2e/scenarios.e2e.test.ts runs the rows marked `e2e` in a real n8n.
 * To add a scenario, add a row to the file of its kind in rows/ (test/scenarios/types.ts has its
 * shape); a new kind of behaviour gets a file of its own and one line below.
 */
import { ROWS as deleteById } from './rows/delete-by-id.ts';
import { ROWS as notLinked } from './rows/not-linked.ts';
import { ROWS as invalidIds } from './rows/invalid-ids.ts';
import { ROWS as rejectedKey } from './rows/rejected-key.ts';
import { ROWS as foreignAnswers } from './rows/foreign-answers.ts';
import { ROWS as retries } from './rows/retries.ts';
import { ROWS as rateLimits } from './rows/rate-limits.ts';
import { ROWS as rateLimitPatience } from './rows/rate-limit-patience.ts';
import { ROWS as lostAnswers } from './rows/lost-answers.ts';
import { ROWS as baseUrl } from './rows/base-url.ts';
import { ROWS as options } from './rows/options.ts';
import { ROWS as mixedBatch } from './rows/mixed-batch.ts';
import { ROWS as get } from './rows/get.ts';
import { ROWS as deleteByEmail } from './rows/delete-by-email.ts';
import { ROWS as dryRun } from './rows/dry-run.ts';
import { ROWS as verifyRemoval } from './rows/verify-removal.ts';
import { ROWS as trustRecord } from './rows/trust-record.ts';
import { ROWS as trustAnswers } from './rows/trust-answers.ts';
import { ROWS as recordFaultsCombined } from './rows/record-faults-combined.ts';
import { ROWS as verifyRemovalEdges } from './rows/verify-removal-edges.ts';
import type { Scenario } from './types.ts';

export const SCENARIOS: readonly Scenario[] = [
	...deleteById,
	...notLinked,
	...invalidIds,
	...rejectedKey,
	...foreignAnswers,
	...retries,
	...rateLimits,
	...rateLimitPatience,
	...lostAnswers,
	...baseUrl,
	...options,
	...mixedBatch,
	...get,
	...deleteByEmail,
	...dryRun,
	...verifyRemoval,
	...trustRecord,
	...trustAnswers,
	...recordFaultsCombined,
	...verifyRemovalEdges,
];
