import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { sqlOf, type Transaction } from '../transaction';

/** The principals (token ids) who registered a digest or requested its promotion. */
export interface DigestPrincipals {
  registeredBy: string[];
  requestedBy: string[];
}

/**
 * Four-eyes needs to know who registered an image and who requested its promotions. `images` and
 * `promotions` belong to their features; this read-only lookup lets approvals enforce the rule
 * without depending on them (merge into their repositories once they exist).
 */
@Injectable()
export class DigestPrincipalsLookup {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async of(digest: string, tx?: Transaction): Promise<DigestPrincipals> {
    const rows = await sqlOf(tx, this.dataSource)<{
      kind: 'registered' | 'requested';
      principal: string;
    }>(
      `SELECT DISTINCT 'registered' AS kind, registered_by::text AS principal FROM images
        WHERE digest = $1 AND registered_by IS NOT NULL
       UNION
       SELECT DISTINCT 'requested' AS kind, requested_by::text AS principal FROM promotions
        WHERE digest = $1 AND requested_by IS NOT NULL`,
      [digest],
    );
    return {
      registeredBy: rows.filter((r) => r.kind === 'registered').map((r) => r.principal),
      requestedBy: rows.filter((r) => r.kind === 'requested').map((r) => r.principal),
    };
  }
}
