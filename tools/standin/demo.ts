/** Credentials and people for demos and the playground; obviously fake, realistic in shape. */
import { randomBytes } from 'node:crypto';

import type { SeedUser } from './directory.ts';

/**
 * `pb_` + 43 URL-safe characters, the shape of a ProductBridge public API key, made anew in every
 * process: a fixed key in the repository would look like a leaked one, and nothing needs it to
 * stay the same between runs (the playground and the stand-in's CLI print the one they use).
 */
export const DEMO_API_KEY = `pb_${randomBytes(32).toString('base64url')}`;

export const DEMO_ORGANIZATION = Object.freeze({
	id: 'aca5b4fa-f6de-4bc4-b8e6-d9dc580e2c33',
	slug: 'acme',
});

export const DEMO_USERS: readonly SeedUser[] = Object.freeze([
	{
		id: '424a164b-3650-4b35-8a79-f88452a95093',
		user_id: '240f6070-d2d3-4ce1-9461-5188bed8fc1d',
		email: 'ada.lovelace@example.com',
		name: 'Ada Lovelace',
		avatar_url: 'https://avatars.example.com/ada-lovelace.png',
		company_name: 'Analytical Engines Ltd',
		customer_status: 'paying',
		created_at: '2024-02-12T09:30:00.000Z',
	},
	{
		id: 'b3171fb0-03a6-43dd-8128-805829e8b331',
		user_id: '98471b2d-47ef-4458-b30d-6ebea23bbd20',
		email: 'grace.hopper@example.com',
		name: 'Grace Hopper',
		avatar_url: null,
		company_name: 'Compiler Works',
		customer_status: 'trial',
		created_at: '2024-05-03T14:05:00.000Z',
	},
	{
		id: 'e82b917b-24ea-4278-8309-e0bd00d784d4',
		user_id: '9ef2d1a0-3fd0-4287-bd7f-1d877e021532',
		email: 'alan.turing@example.com',
		name: 'Alan Turing',
		avatar_url: 'https://avatars.example.com/alan-turing.png',
		company_name: 'Bletchley Labs',
		customer_status: 'churned',
		created_at: '2023-11-20T08:00:00.000Z',
	},
	{
		id: '012a3691-8075-4dc7-9d17-788a126db306',
		user_id: '13bf66b4-cd8a-435c-943d-a32dd6cf0851',
		email: 'katherine.johnson@example.com',
		name: 'Katherine Johnson',
		avatar_url: null,
		company_name: 'Orbital Mechanics Co',
		customer_status: 'paying',
		created_at: '2024-08-27T16:45:00.000Z',
	},
	{
		id: '1bc6edee-350b-4039-ab9e-5e1bce61f02b',
		user_id: 'fb6b2c32-7696-4b4f-8a50-6b400d003733',
		email: 'margaret.hamilton@example.com',
		name: 'Margaret Hamilton',
		avatar_url: null,
		company_name: null,
		customer_status: null,
		created_at: '2025-01-09T11:20:00.000Z',
	},
]);
