import type { RegistryCredentials } from './registry-credentials';
import type { RegistryRole } from './registry.repository';

export interface RegistryTlsSettings {
  caPem?: string | null;
  insecure?: boolean;
}

/** Read by readNewRegistry: `url` is the origin as stored. */
export interface NewRegistryRequest {
  name: string;
  url: string;
  role: RegistryRole;
  credentials?: RegistryCredentials | null;
  tls?: RegistryTlsSettings | null;
}

/** Fields left out stay as they are; `credentials: null` removes them; `tls` is replaced whole. */
export interface RegistryUpdateRequest {
  url?: string;
  role?: RegistryRole;
  credentials?: RegistryCredentials | null;
  tls?: RegistryTlsSettings | null;
}

/** `ok: false` is an answer, not an error: the check ran and names what failed. */
export type RegistryCheckResult =
  { ok: true; latencyMs: number } | { ok: false; code: string; problem: string; latencyMs: number };
