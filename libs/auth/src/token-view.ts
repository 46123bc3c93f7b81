import type { ApiTokenRow } from './api-token.repository';
import type { Role } from './roles';

/** A token as lists, responses and audit entries show it: never the token or its hash. */
export interface TokenSummary {
  id: string;
  name: string;
  role: Role;
  tokenPrefix: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** A token just created: the only moment its value exists outside the caller. */
export interface CreatedToken {
  summary: TokenSummary;
  token: string;
}

export function toSummary(row: ApiTokenRow): TokenSummary {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    tokenPrefix: row.tokenPrefix,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}
