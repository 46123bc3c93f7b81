import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { managerOf, type Transaction } from '../transaction';

/** One `images` row. Plain SQL (no entity): upserts and keyset pages read clearer that way. */
export interface ImageRow {
  id: string;
  repository: string;
  digest: string;
  mediaType: string;
  size: number;
  platforms: Array<Record<string, unknown>>;
  annotations: Record<string, string>;
  baseName: string | null;
  baseDigest: string | null;
  build: Record<string, unknown>;
  registeredBy: string | null;
  createdAt: Date;
  /** created_at as Postgres prints it, microseconds kept: half of the keyset cursor. */
  createdAtKey: string;
}

export type NewImage = Omit<ImageRow, 'id' | 'createdAt' | 'createdAtKey'> & {
  /** `baseName` in canonical form (`docker.io/library/alpine:3.19`), what drift matches on. */
  baseRef: string | null;
  /** An index's child manifests (empty for an image manifest): a base may be named by either. */
  childDigests: string[];
};

export interface ImageListQuery {
  repository?: string;
  digest?: string;
  /** Only images with a location in a registry of this stage. */
  stage?: string;
  /** Only images whose newest result of `gate` is `status` (`missing`: no result yet). */
  gate?: { name: string; status: 'passed' | 'failed' | 'missing' };
  /** Keyset: only rows older than this (created_at, id). */
  before?: { createdAtKey: string; id: string };
  limit: number;
}

export interface ImageLocationRow {
  imageId: string;
  registry: string;
  repository: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** What writing a tag did: `previousDigest` null for a new tag, equal to `digest` when unchanged. */
export interface TagMove {
  registryId: string;
  repository: string;
  tag: string;
  digest: string;
  previousDigest: string | null;
}

export interface RegistryTagRow {
  registry: string;
  repository: string;
  tag: string;
  digest: string;
}

const COLUMNS = `id, repository, digest, media_type AS "mediaType", size::float8 AS size, platforms, annotations,
  base_name AS "baseName", base_digest AS "baseDigest", build, registered_by AS "registeredBy",
  created_at AS "createdAt", created_at::text AS "createdAtKey"`;

/** `images`, `image_locations` and `registry_tags`. The rules live in @airlock/images. */
@Injectable()
export class ImageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts unless (repository, digest) exists. ON CONFLICT waits for a concurrent insert of the
   * same key to commit, so the follow-up SELECT always finds the winner's row: one row, no error.
   */
  async insertIfAbsent(
    image: NewImage,
    tx?: Transaction,
  ): Promise<{ row: ImageRow; created: boolean }> {
    const query = this.query(tx);
    const inserted: ImageRow[] = await query(
      `INSERT INTO images (repository, digest, media_type, size, platforms, annotations, base_name, base_digest, build, registered_by, base_ref, child_digests)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9::jsonb, $10, $11, $12::text[])
       ON CONFLICT (repository, digest) DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        image.repository,
        image.digest,
        image.mediaType,
        image.size,
        JSON.stringify(image.platforms),
        JSON.stringify(image.annotations),
        image.baseName,
        image.baseDigest,
        JSON.stringify(image.build),
        image.registeredBy,
        image.baseRef,
        image.childDigests,
      ],
    );
    if (inserted[0]) return { row: inserted[0], created: true };
    // Already there: keep its facts, but fill in build metadata the first registration lacked
    // (a registry's push notification registers before CI gets to send its build).
    const existing: ImageRow[] = await query(
      `WITH filled AS (
         UPDATE images SET build = $3::jsonb
          WHERE repository = $1 AND digest = $2 AND build = '{}'::jsonb AND $3::jsonb <> '{}'::jsonb
         RETURNING ${COLUMNS})
       SELECT * FROM filled
       UNION ALL
       SELECT ${COLUMNS} FROM images
        WHERE repository = $1 AND digest = $2 AND NOT EXISTS (SELECT 1 FROM filled)`,
      [image.repository, image.digest, JSON.stringify(image.build)],
    );
    return { row: existing[0]!, created: false };
  }

  /** The image was seen at (registry, repository) now. */
  async upsertLocation(
    imageId: string,
    registryId: string,
    repository: string,
    tx?: Transaction,
  ): Promise<void> {
    await this.query(tx)(
      `INSERT INTO image_locations (image_id, registry_id, repository) VALUES ($1, $2, $3)
       ON CONFLICT (image_id, registry_id, repository) DO UPDATE SET last_seen_at = now()`,
      [imageId, registryId, repository],
    );
  }

  /** Records what the tag pointed at when Airlock resolved it (registry state, so it may move). */
  async upsertTag(
    registryId: string,
    repository: string,
    tag: string,
    digest: string,
    tx?: Transaction,
  ): Promise<TagMove> {
    // Locked first, so a concurrent move waits and then reads ours. (One statement cannot do
    // both: a FOR UPDATE read of a row the same statement updates sees nothing.)
    const query = this.query(tx);
    const rows: Array<{ previous: string }> = await query(
      `SELECT digest AS previous FROM registry_tags
        WHERE registry_id = $1 AND repository = $2 AND tag = $3 FOR UPDATE`,
      [registryId, repository, tag],
    );
    await query(
      `INSERT INTO registry_tags (registry_id, repository, tag, digest) VALUES ($1, $2, $3, $4)
       ON CONFLICT (registry_id, repository, tag) DO UPDATE SET digest = EXCLUDED.digest, updated_at = now()`,
      [registryId, repository, tag, digest],
    );
    return { registryId, repository, tag, digest, previousDigest: rows[0]?.previous ?? null };
  }

  /** Newest first over ix_images_created; the row comparison keeps the keyset exact on ties. */
  list(query: ImageListQuery): Promise<ImageRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.repository !== undefined) where.push(`repository = ${param(query.repository)}`);
    if (query.digest !== undefined) where.push(`digest = ${param(query.digest)}`);
    if (query.stage !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM image_locations l
          JOIN stage_registries sr ON sr.registry_id = l.registry_id
          JOIN stages st ON st.id = sr.stage_id
         WHERE l.image_id = images.id AND st.name = ${param(query.stage)})`);
    }
    if (query.gate !== undefined) {
      // The newest result per (digest, gate) is one step down ix_gate_results_digest_gate.
      const newest = `(SELECT g.status FROM gate_results g WHERE g.digest = images.digest
          AND g.gate = ${param(query.gate.name)} ORDER BY g.id DESC LIMIT 1)`;
      where.push(
        query.gate.status === 'missing'
          ? `${newest} IS NULL`
          : `${newest} = ${param(query.gate.status)}`,
      );
    }
    if (query.before) {
      where.push(
        `(created_at, id) < (${param(query.before.createdAtKey)}::timestamptz, ${param(query.before.id)}::uuid)`,
      );
    }
    const limit = param(query.limit);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    return this.query()(
      `SELECT ${COLUMNS} FROM images ${filter} ORDER BY created_at DESC, id DESC LIMIT ${limit}`,
      params,
    );
  }

  byDigest(digest: string, repository?: string): Promise<ImageRow[]> {
    return repository === undefined
      ? this.query()(`SELECT ${COLUMNS} FROM images WHERE digest = $1 ORDER BY repository`, [
          digest,
        ])
      : this.query()(`SELECT ${COLUMNS} FROM images WHERE digest = $1 AND repository = $2`, [
          digest,
          repository,
        ]);
  }

  locationsOf(imageIds: string[]): Promise<ImageLocationRow[]> {
    return this.query()(
      `SELECT l.image_id AS "imageId", r.name AS registry, l.repository, l.first_seen_at AS "firstSeenAt", l.last_seen_at AS "lastSeenAt"
         FROM image_locations l JOIN registries r ON r.id = l.registry_id
        WHERE l.image_id = ANY($1::uuid[]) ORDER BY r.name, l.repository`,
      [imageIds],
    );
  }

  /** Tags currently pointing at `digest`, in any registry (ix_registry_tags_digest). */
  tagsOf(digest: string): Promise<RegistryTagRow[]> {
    return this.query()(
      `SELECT r.name AS registry, t.repository, t.tag, t.digest
         FROM registry_tags t JOIN registries r ON r.id = t.registry_id
        WHERE t.digest = $1 ORDER BY r.name, t.repository, t.tag`,
      [digest],
    );
  }

  private query(tx?: Transaction): (sql: string, params: unknown[]) => Promise<never> {
    const manager = managerOf(tx, this.dataSource.manager);
    return (sql, params) => manager.query(sql, params) as Promise<never>;
  }
}
