import { columns, Database, sql, type Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';

/** How a principal is tied to a digest, for four-eyes: it registered the image, or requested a promotion of it. */
export const PRINCIPAL_ROLES = ['registered', 'requested'] as const;
export type PrincipalRole = (typeof PRINCIPAL_ROLES)[number];

/** One `digest_principals` row. */
export interface DigestPrincipalRow {
  digest: string;
  principalId: string;
  role: PrincipalRole;
  notedAt: Date;
}

const PRINCIPAL = columns<DigestPrincipalRow>({
  digest: 'digest',
  principalId: 'principal_id',
  role: 'role',
  notedAt: 'noted_at',
});

/**
 * `digest_principals`: the gate ledger's own record of who registered a digest and who requested
 * its promotion, written by those features through GatesService, so four-eyes reads no table of
 * theirs. A principal is noted once per digest and role (the primary key, which starts with the
 * digest, is also what the read walks).
 */
@Injectable()
export class DigestPrincipalRepository {
  constructor(private readonly db: Database) {}

  async note(
    digest: string,
    principalId: string,
    role: PrincipalRole,
    tx: Transaction,
  ): Promise<void> {
    await this.db.run(
      sql`INSERT INTO digest_principals (digest, principal_id, role)
          VALUES (${digest}, ${principalId}::uuid, ${role}) ON CONFLICT DO NOTHING`,
      tx,
    );
  }

  /** The principals noted for each of `digests`. */
  of(digests: readonly string[], tx?: Transaction): Promise<DigestPrincipalRow[]> {
    return this.db.rows<DigestPrincipalRow>(
      sql`SELECT ${PRINCIPAL} FROM digest_principals
           WHERE digest = ANY(${digests}::text[]) ORDER BY digest, role, principal_id`,
      tx,
    );
  }
}
