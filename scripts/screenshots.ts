/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
/**
 * `npm run screenshots`: the pictures in docs/images/, taken from the playground (scripts/dev.ts)
 * in headless Chromium: Debian's `chromium` package driven by playwright-core (npm does not
 * download a browser here). Starts its own playground on a free port, so a running `npm run dev`
 * is left alone, and stops it afterwards.
 *
 *   workflow-canvas.png   the bulk cleanup example after a run: the ProductBridge node's Success
 *                         and Error outputs with their item counts, and the second pass
 *   node-parameters.png   the ProductBridge node's parameter panel, with its input and its
 *                         Success / Error branch output
 *   credential-test.png   the ProductBridge API credential dialog after its Test succeeded
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { chromium, selectors } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

import { freePort, REPO_ROOT } from '../tools/n8n.ts';
import { DEMO_USERS } from '../tools/standin/server.ts';
import { CREDENTIALS, PLAYGROUND_OWNER, startPlayground } from './dev.ts';
import type { Playground } from './dev.ts';

const IMAGES_DIR = path.join(REPO_ROOT, 'docs', 'images');
const VIEWPORT = { width: 1440, height: 900 };
const BULK_WORKFLOW_ID = 'pbExBulkCleanup';
const NODE_IN_FOCUS = 'Delete (first pass)';
const STEP_TIMEOUT_MS = 60_000;

const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

const USAGE = `Usage: npm run screenshots [-- --port N] [-- --out DIR]

Starts the playground (n8n + the ProductBridge stand-in) on a free port, drives its editor in
headless Chromium and writes workflow-canvas.png, node-parameters.png and credential-test.png.

  --port N      n8n's port (default: a free one)
  --out DIR     where to write the PNGs (default docs/images)
  --chromium P  the browser (default $CHROMIUM_PATH or /usr/bin/chromium)
`;

interface ScreenshotOptions {
	port: number | undefined;
	outDir: string;
	browserPath: string;
}

/** The command line, checked; undefined after --help. */
function readOptions(): ScreenshotOptions | undefined {
	const { values } = parseArgs({
		args: process.argv.slice(2),
		options: {
			port: { type: 'string' },
			out: { type: 'string' },
			chromium: { type: 'string' },
			help: { type: 'boolean', short: 'h' },
		},
		strict: true,
	});
	if (values.help) {
		process.stdout.write(USAGE);
		return undefined;
	}
	const browserPath = values.chromium ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
	if (!existsSync(browserPath)) {
		throw new Error(
			`no Chromium at ${browserPath}. On Debian or Ubuntu: sudo apt-get update && sudo apt-get install -y chromium\n(or point --chromium / CHROMIUM_PATH at another Chromium or Chrome)`,
		);
	}
	const port = values.port === undefined ? undefined : Number(values.port);
	return { port, outDir: path.resolve(values.out ?? IMAGES_DIR), browserPath };
}

async function main(): Promise<void> {
	const options = readOptions();
	if (options === undefined) return;
	mkdirSync(options.outDir, { recursive: true });
	const started = Date.now();
	const log = (line: string): void => {
		process.stderr.write(
			`[screenshots ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`,
		);
	};
	const playground = await startPlayground({ port: options.port ?? (await freePort()), log });
	const profile = mkdtempSync(path.join(tmpdir(), 'pb-chromium-'));
	let context: BrowserContext | undefined;
	const stopAll = async (): Promise<void> => {
		await context?.close().catch(() => undefined);
		rmSync(profile, { recursive: true, force: true });
		await playground.stop();
	};
	process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
	try {
		const { version } = playground.n8n;
		log(`n8n ${version} is up at ${playground.editorUrl}; starting ${options.browserPath}`);
		context = await openBrowser(profile, options.browserPath);
		const page = context.pages()[0] ?? (await context.newPage());
		await logIn(page, playground);
		await takeScreenshots(page, playground, options.outDir, log);
		log(
			`wrote ${options.outDir}/{workflow-canvas,node-parameters,credential-test}.png (n8n ${version})`,
		);
	} finally {
		await stopAll();
	}
}

async function openBrowser(profile: string, browserPath: string): Promise<BrowserContext> {
	selectors.setTestIdAttribute('data-test-id');
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: browserPath,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: VIEWPORT,
		deviceScaleFactor: 1,
		locale: 'en-US',
		timezoneId: 'UTC',
		colorScheme: 'light',
	});
	context.setDefaultTimeout(STEP_TIMEOUT_MS);
	return context;
}

async function takeScreenshots(
	page: Page,
	playground: Playground,
	outDir: string,
	log: (line: string) => void,
): Promise<void> {
	log('workflow-canvas.png: running the bulk cleanup example');
	await runBulkCleanup(page, playground);
	await settle(page);
	await page.screenshot({ path: path.join(outDir, 'workflow-canvas.png') });

	log(`node-parameters.png: opening "${NODE_IN_FOCUS}"`);
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${NODE_IN_FOCUS}"]`).dblclick();
	await page.getByTestId('ndv').waitFor();
	await page.getByTestId('node-parameters').waitFor();
	await page.getByTestId('output-panel').getByText('Success Branch').waitFor();
	await settle(page);
	await page.screenshot({ path: path.join(outDir, 'node-parameters.png') });
	await page.keyboard.press('Escape');

	log('credential-test.png: opening the ProductBridge credential');
	await page.goto(`${playground.editorUrl}/home/credentials`);
	await page
		.getByTestId('resources-list-item')
		.filter({ hasText: CREDENTIALS.productBridge.name })
		.click();
	await page.getByTestId('editCredential-modal').waitFor();
	// n8n tests a saved credential when its dialog opens: that is the stand-in's POST /ping.
	await page.getByTestId('credentials-config-container-test-success').waitFor();
	await settle(page);
	await page.screenshot({ path: path.join(outDir, 'credential-test.png') });

	const pings = playground.standIn.calls.filter((call) => call.path.endsWith('/ping'));
	if (!pings.some((call) => call.status === 200))
		throw new Error('the credential dialog showed success, but the stand-in saw no good /ping');
}

async function logIn(page: Page, playground: Playground): Promise<void> {
	await page.goto(`${playground.editorUrl}/signin`);
	await page.locator('input[name="emailOrLdapLoginId"]').fill(PLAYGROUND_OWNER.email);
	await page.locator('input[name="password"]').fill(PLAYGROUND_OWNER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/** Two people on the example's list whose deletion ProductBridge keeps failing for a while. */
const HAVING_A_BAD_MOMENT = ['grace.hopper@example.com', 'alan.turing@example.com'];

/**
 * The example as a person would run it, with ProductBridge having a bad moment: two users'
 * deletions answer 503 through the first pass's every try (Max Retries 5 by default: 6 tries), so
 * the error output and the second pass have something to show. The node retries, so a fault that
 * goes away at once would show nothing.
 */
async function runBulkCleanup(page: Page, playground: Playground): Promise<void> {
	playground.standIn.reset();
	playground.standIn.configure({
		statusOverride: DEMO_USERS.filter((user) => HAVING_A_BAD_MOMENT.includes(user.email ?? '')).map(
			(user) => ({
				path: '/users/delete',
				userId: user.user_id,
				status: 503,
				body: { detail: { error: 'service unavailable' } },
				times: 6,
			}),
		),
	});
	await page.goto(`${playground.editorUrl}/workflow/${BULK_WORKFLOW_ID}`);
	await page.getByTestId('canvas-node').first().waitFor();
	await page.getByTestId('execute-workflow-button').click();
	for (const name of ['Removed or not found', 'Removed on second pass', 'Needs a human']) {
		await page
			.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`)
			.getByTestId('canvas-node-status-success')
			.waitFor();
	}
	const deleted = playground.standIn.deletedUserIds().length;
	if (deleted !== 4)
		throw new Error(`expected the run to remove 4 demo users, it removed ${deleted}`);
}

/** No hover effects, no running animations, no toasts in the picture. */
async function settle(page: Page): Promise<void> {
	await page.mouse.move(VIEWPORT.width - 20, VIEWPORT.height / 2);
	await page.waitForLoadState('networkidle');
	for (const close of await page.locator('.el-notification .el-notification__closeBtn').all())
		await close.click({ timeout: 5_000 }).catch(() => undefined);
	await page.waitForTimeout(1_000);
}

main().catch((error: unknown) => {
	process.stderr.write(
		`npm run screenshots: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
	);
	process.exit(1);
});
