/** The one place that talks to ProductBridge: typed results in, typed and redacted failures out. */
export { API_PATH, readBaseUrl } from './baseUrl';
export type { BaseUrlReading } from './baseUrl';
export { ProductBridgeClient } from './client';
export { CREDENTIAL_TYPE } from './request';
export type {
	DeleteResult,
	ProductBridgeUser,
	RetrieveResult,
	TransportSettings,
	UserLookup,
} from './client';
export { ProductBridgeFailure } from './failures';
export { canonicalUuid, UUID_PATTERN } from './uuid';
export type { FailureKind } from './failures';
