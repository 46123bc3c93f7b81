import type { KeysetPosition } from '@airlock/validation';
import {
  columns,
  Database,
  join,
  json,
  raw,
  sql,
  type Sql,
  type Transaction,
} from '@airlock/persistence';
import { Injectable } from '@nestjs/common';

/** One `images` row. */
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

/** One `image_locations` row with its registry's name. */
/** An image recorded in a registry: where, which digest, and (an index) its child manifests. */
export interface LocatedImage {
  repository: string;
  digest: string;
  /** Empty for a single image, and for an index registered before they were recorded. */
  childDigests: string[];
}

export interface ImageLocationRow {
  imageId: string;
  registry: string;
  repository: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

export interface ImageListFilter {
  repository?: string;
  digest?: string;
  /** Only images with a location in a registry of this stage. */
  stage?: string;
  /** Only images whose newest result of `gate` is `status` (`missing`: no result yet). */
  gate?: { name: string; status: 'passed' | 'failed' | 'missing' };
  /** Keyset: only rows older than this (created_at, id). */
  before?: KeysetPosition;
  limit: number;
}

const IMAGE = columns<ImageRow>({
  id: 'id',
  repository: 'repository',
  digest: 'digest',
  mediaType: 'media_type',
  size: 'size::float8',
  platforms: 'platforms',
  annotations: 'annotations',
  baseName: 'base_name',
  baseDigest: 'base_digest',
  build: 'build',
  registeredBy: 'registered_by',
  createdAt: 'created_at',
  createdAtKey: 'created_at::text',
});

const LOCATION = columns<ImageLocationRow>({
  imageId: 'l.image_id',
  registry: 'r.name',
  repository: 'l.repository',
  firstSeenAt: 'l.first_seen_at',
  lastSeenAt: 'l.last_seen_at',
});

/** `images` and `image_locations`: the only reader and writer of both. */
@Injectable()
export class ImageRepository {
  constructor(private readonly db: Database) {}

  /**
   * Inserts unless (repository, digest) exists. ON CONFLICT waits for a concurrent insert of the
   * same key to commit, so the follow-up read always finds the winner's row: one row, no error.
   */
  async insertIfAbsent(
    image: NewImage,
    tx?: Transaction,
  ): Promise<{ row: ImageRow; created: boolean }> {
    const inserted = await this.db.one<ImageRow>(
      sql`INSERT INTO images (repository, digest, media_type, size, platforms, annotations, base_name,
                              base_digest, build, registered_by, base_ref, child_digests)
          VALUES (${image.repository}, ${image.digest}, ${image.mediaType}, ${image.size},
                  ${json(image.platforms)}, ${json(image.annotations)}, ${image.baseName},
                  ${image.baseDigest}, ${json(image.build)}, ${image.registeredBy}, ${image.baseRef},
                  ${image.childDigests}::text[])
          ON CONFLICT (repository, digest) DO NOTHING
          RETURNING ${IMAGE}`,
      tx,
    );
    if (inserted) return { row: inserted, created: true };
    return { row: (await this.fillBuild(image, tx))!, created: false };
  }

  /**
   * Already there: keep its facts, but fill in build metadata the first registration lacked (a
   * registry's push notification registers before CI gets to send its build).
   */
  private fillBuild(image: NewImage, tx?: Transaction): Promise<ImageRow | null> {
    const build = json(image.build);
    return this.db.one<ImageRow>(
      sql`WITH filled AS (
            UPDATE images SET build = ${build}
             WHERE repository = ${image.repository} AND digest = ${image.digest}
               AND build = '{}'::jsonb AND ${build} <> '{}'::jsonb
            RETURNING ${IMAGE})
          SELECT * FROM filled
          UNION ALL
          SELECT ${IMAGE} FROM images
           WHERE repository = ${image.repository} AND digest = ${image.digest}
             AND NOT EXISTS (SELECT 1 FROM filled)`,
      tx,
    );
  }

  /** The image was seen at (registry, repository) now. */
  async upsertLocation(
    imageId: string,
    registryId: string,
    repository: string,
    tx?: Transaction,
  ): Promise<void> {
    await this.db.run(
      sql`INSERT INTO image_locations (image_id, registry_id, repository)
          VALUES (${imageId}, ${registryId}, ${repository})
          ON CONFLICT (image_id, registry_id, repository) DO UPDATE SET last_seen_at = now()`,
      tx,
    );
  }

  /** Newest first over ix_images_created; the row comparison keeps the keyset exact on ties. */
  list(filter: ImageListFilter): Promise<ImageRow[]> {
    const where = listConditions(filter);
    return this.db.rows<ImageRow>(
      sql`SELECT ${IMAGE} FROM images
          ${where.length > 0 ? sql`WHERE ${join(where, raw(' AND '))}` : raw('')}
          ORDER BY created_at DESC, id DESC LIMIT ${filter.limit}`,
    );
  }

  /** The image of this digest in each repository holding it, by repository; or in that one. */
  byDigest(digest: string, repository?: string): Promise<ImageRow[]> {
    return repository === undefined
      ? this.db.rows<ImageRow>(
          sql`SELECT ${IMAGE} FROM images WHERE digest = ${digest} ORDER BY repository`,
        )
      : this.db.rows<ImageRow>(
          sql`SELECT ${IMAGE} FROM images WHERE digest = ${digest} AND repository = ${repository}`,
        );
  }

  /** The images of these (repository, digest) pairs that are on record, in one read. */
  byRepositoryDigests(
    pairs: ReadonlyArray<{ repository: string; digest: string }>,
  ): Promise<ImageRow[]> {
    if (pairs.length === 0) return Promise.resolve([]);
    return this.db.rows<ImageRow>(
      sql`SELECT ${IMAGE} FROM images
           WHERE (repository, digest) IN (
             SELECT * FROM unnest(${pairs.map((p) => p.repository)}::text[],
                                  ${pairs.map((p) => p.digest)}::text[]))`,
    );
  }

  /** The (repository, digest) of every image recorded in this registry, with an index's children. */
  locatedIn(registryId: string): Promise<LocatedImage[]> {
    return this.db.rows<LocatedImage>(
      sql`SELECT DISTINCT l.repository, i.digest, i.child_digests AS "childDigests"
            FROM image_locations l
            JOIN images i ON i.id = l.image_id
           WHERE l.registry_id = ${registryId} ORDER BY l.repository, i.digest`,
    );
  }

  /** Where these images were seen, by registry name and repository. */
  locationsOf(imageIds: string[]): Promise<ImageLocationRow[]> {
    if (imageIds.length === 0) return Promise.resolve([]);
    return this.db.rows<ImageLocationRow>(
      sql`SELECT ${LOCATION} FROM image_locations l JOIN registries r ON r.id = l.registry_id
           WHERE l.image_id = ANY(${imageIds}::uuid[]) ORDER BY r.name, l.repository`,
    );
  }
}

function listConditions(filter: ImageListFilter): Sql[] {
  const where: Sql[] = [];
  if (filter.repository !== undefined) where.push(sql`repository = ${filter.repository}`);
  if (filter.digest !== undefined) where.push(sql`digest = ${filter.digest}`);
  if (filter.stage !== undefined)
    where.push(sql`EXISTS (SELECT 1 FROM image_locations l
          JOIN stage_registries sr ON sr.registry_id = l.registry_id
          JOIN stages st ON st.id = sr.stage_id
         WHERE l.image_id = images.id AND st.name = ${filter.stage})`);
  if (filter.gate !== undefined) {
    // The newest result per (digest, gate) is one step down ix_gate_results_digest_gate.
    const newest = sql`(SELECT g.status FROM gate_results g WHERE g.digest = images.digest
          AND g.gate = ${filter.gate.name} ORDER BY g.id DESC LIMIT 1)`;
    where.push(
      filter.gate.status === 'missing'
        ? sql`${newest} IS NULL`
        : sql`${newest} = ${filter.gate.status}`,
    );
  }
  if (filter.before)
    where.push(
      sql`(created_at, id) < (${filter.before.createdAtKey}::timestamptz, ${filter.before.id}::uuid)`,
    );
  return where;
}
