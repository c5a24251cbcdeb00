/* eslint-disable @n8n/community-nodes/no-restricted-imports -- a Node program, not node code: it never ships and never runs inside n8n (CONTRIBUTING.md, 'Linting') */
// Types for the part of n8n's scanner (@n8n/scan-community-package, plain JavaScript) that
// scripts/verify.ts calls.
declare module '@n8n/scan-community-package/scanner/scanner.mjs' {
	import type { Linter } from 'eslint';

	export interface AnalysisResult {
		passed: boolean;
		message?: string;
		details?: string;
	}

	/** What `n8n-node lint` covers at dev time: package.json, nodes/ and credentials/. */
	export const SOURCE_FILE_PATTERNS: string[];
	/** The flat ESLint config the scanner lints a package with. */
	export function buildScanConfig(): Promise<Linter.Config[]>;
	/** Lints a local package directory; fails on errors only (warnings pass). */
	export function analyzePackage(
		packageDir: string,
		filePatterns?: string[],
	): Promise<AnalysisResult>;
}
