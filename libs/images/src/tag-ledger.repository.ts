import { columns, Database, sql, type Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';

/** A tag of a repository in a registry: the key of `registry_tags` and `promotion_tag_claims`. */
export interface TagKey {
  registryId: string;
  repository: string;
  tag: string;
}

/** One `registry_tags` row by its registry's name. */
export interface RegistryTagRow {
  registry: string;
  repository: string;
  tag: string;
  digest: string;
}

/** What a target registry's tag points at as Airlock last recorded it. */
export interface RecordedTagRow {
  registryId: string;
  tag: string;
  digest: string;
}

/** A tag of a registry as Airlock last wrote or resolved it. */
export interface RegistryTagEntry {
  repository: string;
  tag: string;
  digest: string;
}

/** The promotion holding a claim, and the digest it holds the tag for. */
export interface ClaimHolderRow {
  registry: string;
  digest: string;
  promotionId: string;
}

const REGISTRY_TAG = columns<RegistryTagRow>({
  registry: 'r.name',
  repository: 't.repository',
  tag: 't.tag',
  digest: 't.digest',
});

const RECORDED_TAG = columns<RecordedTagRow>({
  registryId: 'registry_id',
  tag: 'tag',
  digest: 'digest',
});

const CLAIM_HOLDER = columns<ClaimHolderRow>({
  registry: 'r.name',
  digest: 'c.digest',
  promotionId: 'c.promotion_id',
});

/** `registry_tags` and `promotion_tag_claims`: the statements of TagLedger, their only user. */
@Injectable()
export class TagLedgerRepository {
  constructor(private readonly db: Database) {}

  /**
   * Points the tag at `digest`; answers what it pointed at before (null for a new tag). The row
   * is locked first, so a concurrent move waits and then reads ours. (One statement cannot do
   * both: a FOR UPDATE read of a row the same statement updates sees nothing.)
   */
  async upsertTag(key: TagKey, digest: string, tx: Transaction): Promise<string | null> {
    const previous = await this.db.one<{ digest: string }>(
      sql`SELECT digest FROM registry_tags
           WHERE registry_id = ${key.registryId} AND repository = ${key.repository}
             AND tag = ${key.tag}
           FOR UPDATE`,
      tx,
    );
    await this.db.run(
      sql`INSERT INTO registry_tags (registry_id, repository, tag, digest)
          VALUES (${key.registryId}, ${key.repository}, ${key.tag}, ${digest})
          ON CONFLICT (registry_id, repository, tag)
          DO UPDATE SET digest = EXCLUDED.digest, updated_at = now()`,
      tx,
    );
    return previous?.digest ?? null;
  }

  /** Tags currently pointing at `digest`, in any registry (ix_registry_tags_digest). */
  pointingAt(digest: string): Promise<RegistryTagRow[]> {
    return this.db.rows<RegistryTagRow>(
      sql`SELECT ${REGISTRY_TAG} FROM registry_tags t JOIN registries r ON r.id = t.registry_id
           WHERE t.digest = ${digest} ORDER BY r.name, t.repository, t.tag`,
    );
  }

  /** The recorded tags that point at any of these digests. */
  pointingAtAny(digests: string[]): Promise<RegistryTagRow[]> {
    if (digests.length === 0) return Promise.resolve([]);
    return this.db.rows<RegistryTagRow>(
      sql`SELECT ${REGISTRY_TAG} FROM registry_tags t JOIN registries r ON r.id = t.registry_id
           WHERE t.digest = ANY(${digests}::text[]) ORDER BY r.name, t.repository, t.tag`,
    );
  }

  /** Every recorded tag of one registry, by repository and tag (the primary key's order). */
  inRegistry(registryId: string): Promise<RegistryTagEntry[]> {
    return this.db.rows<RegistryTagEntry>(
      sql`SELECT repository, tag, digest FROM registry_tags
           WHERE registry_id = ${registryId} ORDER BY repository, tag`,
    );
  }

  /** What these registries' tags point at as recorded. */
  recorded(registryIds: string[], repository: string, tags: string[]): Promise<RecordedTagRow[]> {
    if (tags.length === 0 || registryIds.length === 0) return Promise.resolve([]);
    return this.db.rows<RecordedTagRow>(
      sql`SELECT ${RECORDED_TAG} FROM registry_tags
           WHERE registry_id = ANY(${registryIds}::uuid[]) AND repository = ${repository}
             AND tag = ANY(${tags}::text[])`,
    );
  }

  /**
   * Inserts the claim, or passes it on when it is held for the same digest; answers whether the
   * claim is `promotionId`'s now. ON CONFLICT waits for a concurrent claimer's commit.
   */
  async takeClaim(
    key: TagKey,
    digest: string,
    promotionId: string,
    tx: Transaction,
  ): Promise<boolean> {
    const taken = await this.db.rows<{ tag: string }>(
      sql`INSERT INTO promotion_tag_claims AS c (registry_id, repository, tag, digest, promotion_id)
          VALUES (${key.registryId}, ${key.repository}, ${key.tag}, ${digest}, ${promotionId})
          ON CONFLICT (registry_id, repository, tag) DO UPDATE
            SET promotion_id = EXCLUDED.promotion_id, claimed_at = now()
          WHERE c.digest = EXCLUDED.digest
          RETURNING c.tag`,
      tx,
    );
    return taken.length > 0;
  }

  /** Who holds the claim now (a statement of its own: its snapshot sees commits made since). */
  claimHolder(key: TagKey, tx: Transaction): Promise<ClaimHolderRow | null> {
    return this.db.one<ClaimHolderRow>(
      sql`SELECT ${CLAIM_HOLDER} FROM promotion_tag_claims c JOIN registries r ON r.id = c.registry_id
           WHERE c.registry_id = ${key.registryId} AND c.repository = ${key.repository}
             AND c.tag = ${key.tag}`,
      tx,
    );
  }

  async releaseClaims(promotionId: string, tx: Transaction): Promise<number> {
    return this.db.run(
      sql`DELETE FROM promotion_tag_claims WHERE promotion_id = ${promotionId}`,
      tx,
    );
  }
}
