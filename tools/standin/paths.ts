/** Where the API and the stand-in's own control endpoints live. */

export const API_PREFIX = '/api/external/v1';
export const CONTROL_PREFIX = '/__standin';

/** `/api/external/v1/users/delete` → `/users/delete`; any other path is returned unchanged. */
export function apiPath(path: string): string {
	return path.startsWith(`${API_PREFIX}/`) ? path.slice(API_PREFIX.length) : path;
}
