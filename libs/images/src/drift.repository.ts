import { columns, Database, sql, type Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';

/** An image built on a base (by `images.base_ref`), where it is and which stages that makes. */
export interface DependentRow {
  imageId: string;
  repository: string;
  digest: string;
  baseName: string;
  baseRef: string;
  baseDigest: string | null;
  build: Record<string, unknown>;
  locations: Array<{ registry: string; repository: string }>;
  stages: string[];
  createdAt: Date;
}

/** Where a tag of a registry points now, as Airlock last saw or wrote it. */
export interface CurrentTagRow {
  registryId: string;
  registry: string;
  repository: string;
  tag: string;
  digest: string;
  updatedAt: Date;
}

/** Base names in use, with how many images declare each (over ix_images_base_ref). */
export interface BaseRefRow {
  baseRef: string;
  images: number;
}

const DEPENDENT = columns<DependentRow>({
  imageId: 'i.id',
  repository: 'i.repository',
  digest: 'i.digest',
  baseName: 'i.base_name',
  baseRef: 'i.base_ref',
  baseDigest: 'i.base_digest',
  build: 'i.build',
  createdAt: 'i.created_at',
  locations: `COALESCE((SELECT json_agg(json_build_object('registry', r.name, 'repository', l.repository)
                                        ORDER BY r.name, l.repository)
                          FROM image_locations l JOIN registries r ON r.id = l.registry_id
                         WHERE l.image_id = i.id), '[]')`,
  stages: `ARRAY(SELECT DISTINCT s.name FROM image_locations l
                   JOIN stage_registries sr ON sr.registry_id = l.registry_id
                   JOIN stages s ON s.id = sr.stage_id
                  WHERE l.image_id = i.id ORDER BY s.name)`,
});

const CURRENT_TAG = columns<CurrentTagRow>({
  registryId: 't.registry_id',
  registry: 'r.name',
  repository: 't.repository',
  tag: 't.tag',
  digest: 't.digest',
  updatedAt: 't.updated_at',
});

const BASE_REF = columns<BaseRefRow>({ baseRef: 'base_ref', images: 'count(*)::int' });

/** The queries of base-image drift: images by the base they declare, tags by where they point. */
@Injectable()
export class DriftRepository {
  constructor(private readonly db: Database) {}

  baseRefs(only?: string): Promise<BaseRefRow[]> {
    return this.db.rows<BaseRefRow>(
      sql`SELECT ${BASE_REF} FROM images
           WHERE base_ref IS NOT NULL AND (${only ?? null}::text IS NULL OR base_ref = ${only ?? null})
           GROUP BY base_ref ORDER BY base_ref`,
    );
  }

  /**
   * Images declaring one of `baseRefs` as their base but built on another digest than `current`
   * or one of its child manifests when it is an index (or declaring no digest), newest first;
   * optionally only those in a registry of `stage`.
   */
  dependents(
    baseRefs: string[],
    current: string,
    options: { stage?: string; limit?: number } = {},
    tx?: Transaction,
  ): Promise<DependentRow[]> {
    const stage = options.stage ?? null;
    return this.db.rows<DependentRow>(
      sql`SELECT ${DEPENDENT} FROM images i
           WHERE i.base_ref = ANY(${baseRefs}::text[]) AND i.base_digest IS DISTINCT FROM ${current}
             AND (i.base_digest IS NULL OR NOT i.base_digest = ANY(ARRAY(
                   SELECT unnest(b.child_digests) FROM images b WHERE b.digest = ${current})))
             AND (${stage}::text IS NULL OR EXISTS (
                   SELECT 1 FROM image_locations l
                     JOIN stage_registries sr ON sr.registry_id = l.registry_id
                     JOIN stages s ON s.id = sr.stage_id
                    WHERE l.image_id = i.id AND s.name = ${stage}))
           ORDER BY i.created_at DESC, i.id DESC
           LIMIT ${options.limit ?? 1000}`,
      tx,
    );
  }

  /** The tag in any of these registries, the most recently written first. */
  currentTags(
    registryIds: string[],
    repository: string,
    tag: string,
    tx?: Transaction,
  ): Promise<CurrentTagRow[]> {
    return this.db.rows<CurrentTagRow>(
      sql`SELECT ${CURRENT_TAG} FROM registry_tags t JOIN registries r ON r.id = t.registry_id
           WHERE t.registry_id = ANY(${registryIds}::uuid[]) AND t.repository = ${repository}
             AND t.tag = ${tag}
           ORDER BY t.updated_at DESC`,
      tx,
    );
  }
}
