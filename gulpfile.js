// Builds dist/: clean, compile TypeScript, copy what n8n loads beside the code (icons, codex).
const { rmSync } = require('node:fs');
const { spawn } = require('node:child_process');
const { dest, parallel, series, src } = require('gulp');

function clean(done) {
	rmSync('dist', { recursive: true, force: true });
	done();
}

function compile() {
	return spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
		stdio: 'inherit',
	});
}

function copyIcons() {
	return src('icons/*.{svg,png}', { encoding: false }).pipe(dest('dist/icons'));
}

function copyCodex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

exports.clean = clean;
exports.build = series(clean, parallel(compile, copyIcons, copyCodex));
exports.default = exports.build;
