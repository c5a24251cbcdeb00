/** Where the API lives below the host; the credential may name it or leave it out. */
export const API_PATH = '/api/external/v1';

export type BaseUrlReading =
	| { ok: true; origin: string; apiRoot: string; host: string }
	| { ok: false; problem: string };

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Checks the credential's Base URL before any key is sent: HTTPS (plain HTTP only to this
 * machine), no user info, query or fragment. Accepts the host alone or a URL that already ends in
 * the API path, with or without a trailing slash. `problem` says what to change and never repeats
 * a password.
 */
export function readBaseUrl(raw: unknown): BaseUrlReading {
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (text === '') return invalid('it is empty');
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return invalid('it is not a URL; write it as https://api.productbridge.io');
	}
	if (url.username !== '' || url.password !== '') {
		return invalid('it contains a user name or password (user:password@); remove them');
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return invalid(`${url.protocol} is not supported; use https://`);
	}
	if (url.protocol === 'http:' && !LOOPBACK_HOSTS.test(url.hostname)) {
		return invalid(
			`it uses http:// for ${url.hostname}; ProductBridge's API is HTTPS only, and the key must not travel in clear text. Use https://`,
		);
	}
	if (url.search !== '' || text.includes('?')) return invalid('it has a query (?…); remove it');
	if (url.hash !== '' || text.includes('#')) return invalid('it has a fragment (#…); remove it');
	const path = url.pathname.replace(/\/+$/, '').replace(new RegExp(`${API_PATH}$`), '');
	return {
		ok: true,
		origin: url.origin,
		apiRoot: `${url.origin}${path}${API_PATH}`,
		host: url.host,
	};
}

function invalid(reason: string): BaseUrlReading {
	return { ok: false, problem: `The credential's Base URL is not usable: ${reason}.` };
}
