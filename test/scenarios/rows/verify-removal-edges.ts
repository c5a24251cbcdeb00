/**
 * Verify Removal at its edges (from the hostile review of issue 21): the check is a request of its
 * own sent after the delete, never a retrieve sent before it (a dry run, a lookup) for the same
 * user; only ProductBridge's own "user not found" verifies; the check obeys retries and stops.
 */
import {
	ADA,
	audit,
	byId,
	deleted,
	GRACE,
	MARGARET,
	inOrder,
	notFound,
	STRANGER,
	at,
	VERIFIED,
} from '../cast.ts';
import { DELETE, BY_EMAIL, override } from './shared.ts';
import { contains } from '../types.ts';
import type { Scenario } from '../types.ts';

const VERIFY_PER_ITEM_DRY_RUN = {
	verifyRemoval: true,
	dryRun: '={{ $json.dry_run }}',
	concurrency: 1,
} as const;

export const ROWS: readonly Scenario[] = [
	{
		name: 'Verify Removal: a dry-run lookup of a user before her removal is not taken as the verification after it',
		node: { ...DELETE, options: VERIFY_PER_ITEM_DRY_RUN },
		onError: 'continueErrorOutput',
		items: [
			{ user_id: ADA.user_id, dry_run: true },
			{ user_id: ADA.user_id, dry_run: false },
		],
		expected: {
			main: [at(0, audit(ADA, 'would_delete')), at(1, deleted(ADA.user_id, VERIFIED))],
			error: [],
		},
		effects: {
			requests: { 'users/retrieve': 2, 'users/delete': 1 },
			removed: [ADA.user_id],
		},
	},
	{
		name: 'Verify Removal: a dry run by id before a removal by email: the check after the delete is a new request',
		node: {
			...BY_EMAIL,
			options: VERIFY_PER_ITEM_DRY_RUN,
			more: { identifyBy: '={{ $json.by }}' },
		},
		onError: 'continueErrorOutput',
		items: [
			{ by: 'userId', user_id: GRACE.user_id, email: GRACE.email, dry_run: true },
			{ by: 'email', user_id: GRACE.user_id, email: GRACE.email, dry_run: false },
		],
		expected: {
			main: [at(0, audit(GRACE, 'would_delete')), at(1, audit(GRACE, 'deleted', VERIFIED))],
			error: [],
		},
		effects: { requests: { 'users/retrieve': 3, 'users/delete': 1 }, removed: [GRACE.user_id] },
	},
	{
		// The issue: verified is true only for ProductBridge's own 404 "user not found".
		name: 'Verify Removal: a 404 to the check whose envelope names something other than the user does not verify',
		node: { ...DELETE, options: { verifyRemoval: true, concurrency: 1 } },
		onError: 'continueRegularOutput',
		items: byId(ADA.user_id),
		standIn: {
			faults: override(404, { detail: { error: 'route not found' } }, 5, '/users/retrieve'),
		},
		expected: {
			main: inOrder(
				deleted(ADA.user_id, { verified: null, note: contains('Verify Removal could not') }),
			),
		},
		effects: { requests: { 'users/delete': 1, 'users/retrieve': 1 }, removed: [ADA.user_id] },
	},
	{
		// The stranger was never linked; the delete is answered 200 by a lenient server. Whatever the
		// verdict, the check must be a retrieve sent after the delete, not the dry run's answer.
		name: 'Verify Removal: verified true rests on a retrieve sent after the delete, not on an earlier 404 for the same id',
		node: { ...DELETE, options: VERIFY_PER_ITEM_DRY_RUN },
		onError: 'continueRegularOutput',
		items: [
			{ user_id: STRANGER, dry_run: true },
			{ user_id: STRANGER, dry_run: false },
		],
		standIn: {
			faults: {
				statusOverride: [
					{ path: '/users/delete', status: 200, body: { success: true }, userId: STRANGER },
				],
			},
		},
		expected: {
			main: [at(0, notFound(STRANGER)), at(1, deleted(STRANGER, VERIFIED))],
		},
		effects: { requests: { 'users/retrieve': 2, 'users/delete': 1 }, removed: [] },
	},
	{
		// Holds on main: an answer about somebody else never verifies; the run stops after it.
		name: 'Verify Removal: the check answered with another user: verified null with a note, then nothing more is sent',
		node: { ...DELETE, options: { verifyRemoval: true, concurrency: 1 } },
		onError: 'continueRegularOutput',
		items: byId(ADA.user_id, MARGARET.user_id),
		standIn: {
			faults: {
				statusOverride: [
					{
						path: '/users/retrieve',
						status: 200,
						body: { user_id: GRACE.user_id, email: GRACE.email, name: GRACE.name },
						userId: ADA.user_id,
					},
				],
			},
		},
		expected: {
			main: [
				at(0, deleted(ADA.user_id, { verified: null, note: contains('Verify Removal could not') })),
				at(1, {
					error: contains('does not lead to ProductBridge'),
					message: contains('a user other than the one asked for'),
				}),
			],
		},
		effects: { requests: { 'users/delete': 1, 'users/retrieve': 1 }, removed: [ADA.user_id] },
	},
	{
		// Holds on main: a 429, then a gateway's lost answer, at the check: retried, then verified.
		name: 'Verify Removal: the check meets a 429 then a 502: retried like any request, then verified',
		node: { ...DELETE, options: { verifyRemoval: true, concurrency: 1, maxRetries: 3 } },
		onError: 'stopWorkflow',
		items: byId(ADA.user_id),
		standIn: {
			faults: {
				statusOverride: [
					{
						path: '/users/retrieve',
						status: 429,
						body: { detail: { error: 'rate limited' } },
						headers: { 'retry-after': '1' },
						times: 1,
					},
					{ path: '/users/retrieve', status: 502, body: '<html>Bad Gateway</html>', times: 1 },
				],
			},
		},
		expected: { main: inOrder(deleted(ADA.user_id, VERIFIED)) },
		effects: { requests: { 'users/delete': 1, 'users/retrieve': 3 }, removed: [ADA.user_id] },
	},
	{
		// Holds on main: a check rate-limited past Max Retries never fails the removal.
		name: 'Verify Removal: the check rate-limited beyond Max Retries waits in time (Max Wait), then verifies',
		node: { ...DELETE, options: { verifyRemoval: true, concurrency: 1, maxRetries: 1 } },
		onError: 'stopWorkflow',
		items: byId(ADA.user_id),
		standIn: {
			faults: {
				statusOverride: [
					{
						path: '/users/retrieve',
						status: 429,
						body: { detail: { error: 'rate limited' } },
						headers: { 'retry-after': '0' },
						times: 2,
					},
				],
			},
		},
		expected: {
			main: inOrder(deleted(ADA.user_id, VERIFIED)),
		},
		effects: { requests: { 'users/delete': 1, 'users/retrieve': 3 }, removed: [ADA.user_id] },
	},
	{
		// Holds on main: the first try's check still lists her (a lagging replica), the run fails,
		// Retry On Fail runs the node again: the delete's own 404 then verifies the earlier removal.
		name: "Verify Removal: Retry On Fail after a check that still listed the user: the next run's 404 verifies the earlier run's removal",
		node: { ...DELETE, options: { verifyRemoval: true, concurrency: 1 } },
		onError: 'stopWorkflow',
		retryOnFail: { maxTries: 2, waitBetweenTries: 100 },
		items: byId(ADA.user_id),
		standIn: {
			faults: {
				statusOverride: [
					{
						path: '/users/retrieve',
						status: 200,
						body: { user_id: ADA.user_id, email: ADA.email, name: ADA.name },
						times: 1,
					},
				],
			},
		},
		expected: {
			main: inOrder(
				deleted(ADA.user_id, { ...VERIFIED, note: contains('Removed earlier in this execution') }),
			),
		},
		effects: { requests: { 'users/delete': 2, 'users/retrieve': 1 }, removed: [ADA.user_id] },
	},
	{
		// Debatable, fails on main: emails match case-sensitively, so a 404 to the email lookup proves
		// only that this spelling is not linked; Ada stays linked, yet the item says verified: true.
		name: 'Verify Removal: by email, a 404 to the lookup of a differently cased email is not a verified removal',
		node: { ...BY_EMAIL, options: { verifyRemoval: true } },
		onError: 'stopWorkflow',
		items: [{ email: ADA.email.toUpperCase() }],
		expected: {
			main: inOrder(notFound(null, { email: ADA.email.toUpperCase(), verified: null })),
		},
		effects: { requests: { 'users/retrieve': 1 }, removed: [] },
	},
	{
		// Fails on main: the stale shared answer stops the run (On Error = Stop); Grace is never sent
		// and the stop's record leaves out Ada, whom this run did remove.
		name: "Verify Removal: with On Error = Stop, a dry run's earlier lookup stops the run at the next item's check",
		node: { ...DELETE, options: VERIFY_PER_ITEM_DRY_RUN },
		onError: 'stopWorkflow',
		items: [
			{ user_id: ADA.user_id, dry_run: true },
			{ user_id: ADA.user_id, dry_run: false },
			{ user_id: GRACE.user_id, dry_run: false },
		],
		expected: {
			main: [
				at(0, audit(ADA, 'would_delete')),
				at(1, deleted(ADA.user_id, VERIFIED)),
				at(2, deleted(GRACE.user_id, VERIFIED)),
			],
		},
		effects: {
			requests: { 'users/retrieve': 3, 'users/delete': 2 },
			removed: [ADA.user_id, GRACE.user_id],
		},
	},
	{
		// Holds on main: duplicates (any spelling) share one delete and one check.
		name: 'Verify Removal: one user listed three times in two spellings: one delete, one check, every item verified',
		node: { ...DELETE, options: { verifyRemoval: true } },
		onError: 'stopWorkflow',
		items: byId(ADA.user_id, ADA.user_id.toUpperCase(), GRACE.user_id, ADA.user_id),
		expected: {
			main: inOrder(
				deleted(ADA.user_id, VERIFIED),
				deleted(ADA.user_id.toUpperCase(), VERIFIED),
				deleted(GRACE.user_id, VERIFIED),
				deleted(ADA.user_id, VERIFIED),
			),
		},
		effects: {
			requests: { 'users/delete': 2, 'users/retrieve': 2 },
			removed: [ADA.user_id, GRACE.user_id],
		},
	},
];
