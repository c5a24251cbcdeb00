/** The organization's users as the stand-in sees them: who is linked, who has been unlinked. */
import { createHash } from 'node:crypto';
import { hyphenate, parseUuid } from './uuid.ts';

/** A user as `/users/retrieve` returns it. */
export interface ProductBridgeUser {
	/** The org-scoped membership row; not what `/users/delete` takes. */
	id: string;
	/** The underlying user; what `/users/delete` takes. */
	user_id: string;
	email: string | null;
	name: string | null;
	avatar_url: string | null;
	portal_role: string;
	company_name: string | null;
	customer_status: string | null;
	created_at: string;
}

/** Any subset of a user; the rest is derived deterministically (explicit `null`s are kept). */
export type SeedUser = Partial<ProductBridgeUser>;

const FIRST_LINK_DAY = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;

export class UserDirectory {
	acceptAnyUser: boolean;
	private readonly usersById = new Map<string, ProductBridgeUser>();
	private readonly userIdsByEmail = new Map<string, string>();
	private readonly unlinked = new Set<string>();
	private generatedCount = 0;

	constructor(acceptAnyUser = false) {
		this.acceptAnyUser = acceptAnyUser;
	}

	/** Adds or replaces users; seeding a previously deleted user links it again. */
	seed(seeds: readonly SeedUser[]): void {
		for (const seed of seeds) {
			const user = this.completeUser(seed);
			this.forgetEmailOf(user.user_id);
			this.usersById.set(user.user_id, user);
			if (user.email !== null) this.userIdsByEmail.set(user.email, user.user_id);
			this.unlinked.delete(user.user_id);
		}
	}

	/** `userId` must already be normalised (lowercase, hyphenated), as are all ids here. */
	isLinked(userId: string): boolean {
		if (this.unlinked.has(userId)) return false;
		return this.acceptAnyUser || this.usersById.has(userId);
	}

	findLinkedById(userId: string): ProductBridgeUser | undefined {
		if (!this.isLinked(userId)) return undefined;
		return this.usersById.get(userId) ?? completeUser({ user_id: userId }, userId);
	}

	/** Case-sensitive, as ProductBridge matches emails. */
	findLinkedByEmail(email: string): ProductBridgeUser | undefined {
		const userId = this.userIdsByEmail.get(email);
		return userId === undefined ? undefined : this.findLinkedById(userId);
	}

	/** Returns false when the user was not linked (never was, or already unlinked). */
	unlink(userId: string): boolean {
		if (!this.isLinked(userId)) return false;
		this.unlinked.add(userId);
		return true;
	}

	unlinkedUserIds(): string[] {
		return [...this.unlinked];
	}

	clear(): void {
		this.usersById.clear();
		this.userIdsByEmail.clear();
		this.unlinked.clear();
		this.generatedCount = 0;
	}

	private completeUser(seed: SeedUser): ProductBridgeUser {
		const ordinalKey = `seed-${this.generatedCount++}`;
		return completeUser(seed, seed.email ?? ordinalKey);
	}

	private forgetEmailOf(userId: string): void {
		const previous = this.usersById.get(userId);
		if (previous?.email != null) this.userIdsByEmail.delete(previous.email);
	}
}

/** Fills the gaps of `seed`; `identity` makes the generated values stable across runs. */
export function completeUser(seed: SeedUser, identity: string): ProductBridgeUser {
	const userId =
		seed.user_id !== undefined ? normaliseSeedUuid(seed.user_id) : uuidFrom(`user:${identity}`);
	const email = seed.email !== undefined ? seed.email : `user-${userId.slice(0, 8)}@example.com`;
	return {
		id: seed.id !== undefined ? normaliseSeedUuid(seed.id) : uuidFrom(`membership:${userId}`),
		user_id: userId,
		email,
		name: seed.name !== undefined ? seed.name : nameFromEmail(email),
		avatar_url: seed.avatar_url ?? null,
		portal_role: seed.portal_role ?? 'end_user',
		company_name: seed.company_name ?? null,
		customer_status: seed.customer_status ?? null,
		created_at: seed.created_at ?? linkDateFor(userId),
	};
}

function normaliseSeedUuid(value: string): string {
	const parsed = parseUuid(value);
	if (!parsed.ok)
		throw new Error(`seed user id ${JSON.stringify(value)} is not a UUID: ${parsed.error}`);
	return parsed.uuid;
}

/** A version-4-shaped UUID derived from `text`, so generated ids look real and never change. */
function uuidFrom(text: string): string {
	const hex = createHash('sha256').update(text).digest('hex').slice(0, 32).split('');
	hex[12] = '4';
	hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	return hyphenate(hex.join(''));
}

function nameFromEmail(email: string | null): string | null {
	if (email === null) return null;
	const localPart = email.split('@')[0];
	const words = localPart.split(/[._+-]+/).filter((word) => word !== '');
	return words.map((word) => word[0].toUpperCase() + word.slice(1)).join(' ') || null;
}

function linkDateFor(userId: string): string {
	const dayOffset = parseInt(userId.slice(0, 4), 16) % 600;
	return new Date(FIRST_LINK_DAY + dayOffset * DAY_MS).toISOString();
}
