import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

/** Whether the credential has a key at all; the credential refuses to send a blank one. */
export function hasApiKey(credentials: ICredentialDataDecryptedObject): boolean {
	return typeof credentials.apiKey === 'string' && credentials.apiKey.trim() !== '';
}

/**
 * Why n8n kept a request from leaving the process, or undefined. n8n's SSRF protection
 * (N8N_SSRF_PROTECTION_ENABLED) refuses a restricted address or host name before connecting,
 * with an error named SsrfBlockedIpError or SsrfBlockedHostnameError somewhere in the cause
 * chain; an unparseable URL fails as ERR_INVALID_URL before any connection too.
 */
export function keptInProcess(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
		const { name, code } = current as IDataObject;
		if (typeof name === 'string' && name.startsWith('SsrfBlocked')) {
			return name === 'SsrfBlockedHostnameError'
				? 'its host name is on the deny-list of n8n’s SSRF protection'
				: 'n8n’s SSRF protection blocks its address';
		}
		if (code === 'ERR_INVALID_URL') return 'the URL is not valid';
		current = (current as IDataObject).cause;
	}
	return undefined;
}
