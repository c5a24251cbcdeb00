/**
 * The shape of one scenario: what goes in (node parameters, On Error, items, the stand-in's
 * users and faults) and what must come out (the items on each output, or the error that stopped
 * the run) and what ProductBridge must have seen. Both the engine runner and the e2e runner read
 * the same rows.
 *
 * Strings may hold placeholders that only exist at run time: `{apiKey}` (the key the credential
 * carries), `{url}` (the stand-in's origin, `http://127.0.0.1:<port>`), `{host}` (its host:port).
 */
import type { OnError } from 'n8n-workflow';

import type { FaultsPatch, SeedUser } from '../../tools/standin/server.ts';

/** Plain JSON, as items and node parameters are. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Text that must contain, start with, or match, for messages too long to spell out whole. */
export class TextMatch {
	readonly kind: 'contains' | 'startsWith' | 'regex';
	readonly text: string;

	constructor(kind: TextMatch['kind'], text: string) {
		this.kind = kind;
		this.text = text;
	}
}
export const contains = (text: string) => new TextMatch('contains', text);
export const startsWith = (text: string) => new TextMatch('startsWith', text);
/** A regular expression's source (placeholders are replaced before it is compiled). */
export const matches = (source: string) => new TextMatch('regex', source);

export type Expected = null | boolean | number | string | TextMatch | Expected[] | ExpectedObject;
export type ExpectedObject = { [key: string]: Expected };

/** One output item: its fields in the order the node (or n8n) writes them, and its input row. */
export interface ExpectedItem {
	json: ExpectedObject;
	pairedItem: { item: number };
}

/** At least `min`, at most `max`: both, so that neither too few nor far too many passes. */
export interface Range {
	min: number;
	max: number;
}
export type Count = number | Range;

/**
 * The node's parameters as n8n stores them. The ones the current operations share are named; a
 * new operation's row names its own in `more` (merged over the rest), so it needs no change here.
 */
export interface NodeParameters {
	/** Default `user`. */
	resource?: string;
	/** `delete`, `get`, or whatever value a new operation has in the dropdown. */
	operation: string;
	identifyBy?: 'userId' | 'email';
	/** An expression; the node's default is `={{ $json.user_id }}`. */
	userId?: string;
	email?: string;
	onNotFound?: 'continue' | 'error';
	options?: {
		dryRun?: boolean | string;
		verifyRemoval?: boolean | string;
		concurrency?: number | string;
		maxRetries?: number | string;
		requestTimeout?: number | string;
	};
	/** Any other parameters, exactly as n8n stores them. */
	more?: JsonObject;
}

export interface StandInSetup {
	/** Linked users; default the five demo users (tools/standin/demo.ts). */
	users?: readonly SeedUser[];
	/** Every valid UUID counts as linked (large batches). */
	acceptAnyUser?: boolean;
	/** Removed before the run, by the same API call the node makes: a second run, in effect. */
	alreadyRemoved?: readonly string[];
	/** Faults from the start of the run (tools/standin/faults.ts). */
	faults?: FaultsPatch;
	/** Seed of the stand-in's dice for resetRate / slowRate / errorRate503; picks which request misbehaves. */
	seed?: number;
}

export interface CredentialSetup {
	/** A well-formed key the stand-in does not know (it answers 401). */
	wrongKey?: boolean;
	/** This key exactly, instead (a blank one, say). */
	apiKey?: string;
	/** The credential's Base URL; default `{url}`. */
	baseUrl?: string;
}

export type Outcome =
	| { main: readonly ExpectedItem[]; error?: readonly ExpectedItem[] }
	| {
			stop: {
				/** The input item the error names (n8n keeps it in the error's context); null when none. */
				itemIndex: number | null;
				message: string | TextMatch;
				description?: string | TextMatch;
				name?: string;
				/** The HTTP status the stop is about, as n8n keeps it. */
				httpCode?: string;
			};
	  };

/** What one request carried that names a user: `user_id` and `email` exactly as sent. */
export interface Sent {
	user_id?: string;
	email?: string;
}

/** An endpoint's path after the API base, e.g. `users/delete`. */
export type Endpoint = string;

export interface Effects {
	/** Requests the stand-in received, per endpoint; an endpoint left out received none. */
	requests: Record<Endpoint, Count>;
	/**
	 * What each request to an endpoint named, retries included, compared exactly (as a multiset:
	 * the order requests arrive in is not promised); an endpoint left out is not compared.
	 */
	sent?: Record<Endpoint, readonly Sent[]>;
	/** Answers per status (`reset` for a dropped connection), for rows about retries. */
	statuses?: Record<string, Count>;
	/** Users the stand-in unlinked during the run (the rest remain); a count for large batches. */
	removed: readonly string[] | { count: number };
	/** Milliseconds from the first request's arrival to the last one's, for rows about waiting. */
	spanMs?: Range;
	/** Most requests in flight at once: a `max` for a cap, a `min` where the row promises concurrency. */
	maxInFlight?: Count;
	/** Text that must not appear anywhere in what the run kept (besides the API key, always checked). */
	neverShown?: readonly string[];
}

/** Settings → Retry On Fail, as n8n stores it on the node. */
export interface RetryOnFail {
	maxTries: number;
	waitBetweenTries: number;
}

export interface Scenario {
	name: string;
	/** Also run in a real n8n (test/e2e/scenarios.e2e.test.ts). */
	e2e?: boolean;
	node: NodeParameters;
	/** The node's Settings → On Error, as n8n stores it. */
	onError: OnError;
	/** The node's Settings → Retry On Fail: n8n runs the node again, in the same execution, after it throws. */
	retryOnFail?: RetryOnFail;
	items: readonly JsonObject[];
	standIn?: StandInSetup;
	credential?: CredentialSetup;
	expected: Outcome;
	effects: Effects;
}
