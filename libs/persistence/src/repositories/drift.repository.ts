import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { managerOf, type Transaction } from '../transaction';

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

/** The queries of base-image drift. The rules live in @airlock/images. */
@Injectable()
export class DriftRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  baseRefs(only?: string): Promise<BaseRefRow[]> {
    return this.query()(
      `SELECT base_ref AS "baseRef", count(*)::int AS images FROM images
        WHERE base_ref IS NOT NULL AND ($1::text IS NULL OR base_ref = $1)
        GROUP BY base_ref ORDER BY base_ref`,
      [only ?? null],
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
    return this.query(tx)(
      `SELECT i.id AS "imageId", i.repository, i.digest, i.base_name AS "baseName",
              i.base_ref AS "baseRef", i.base_digest AS "baseDigest", i.build, i.created_at AS "createdAt",
              COALESCE((SELECT json_agg(json_build_object('registry', r.name, 'repository', l.repository)
                                        ORDER BY r.name, l.repository)
                          FROM image_locations l JOIN registries r ON r.id = l.registry_id
                         WHERE l.image_id = i.id), '[]') AS locations,
              ARRAY(SELECT DISTINCT s.name FROM image_locations l
                      JOIN stage_registries sr ON sr.registry_id = l.registry_id
                      JOIN stages s ON s.id = sr.stage_id
                     WHERE l.image_id = i.id ORDER BY s.name) AS stages
         FROM images i
        WHERE i.base_ref = ANY($1::text[]) AND i.base_digest IS DISTINCT FROM $2
          AND (i.base_digest IS NULL OR NOT i.base_digest = ANY(ARRAY(
                SELECT unnest(b.child_digests) FROM images b WHERE b.digest = $2)))
          AND ($3::text IS NULL OR EXISTS (
                SELECT 1 FROM image_locations l
                  JOIN stage_registries sr ON sr.registry_id = l.registry_id
                  JOIN stages s ON s.id = sr.stage_id
                 WHERE l.image_id = i.id AND s.name = $3))
        ORDER BY i.created_at DESC, i.id DESC
        LIMIT $4`,
      [baseRefs, current, options.stage ?? null, options.limit ?? 1000],
    );
  }

  /** The tag in any of these registries, the most recently written first. */
  currentTags(
    registryIds: string[],
    repository: string,
    tag: string,
    tx?: Transaction,
  ): Promise<CurrentTagRow[]> {
    return this.query(tx)(
      `SELECT t.registry_id AS "registryId", r.name AS registry, t.repository, t.tag, t.digest,
              t.updated_at AS "updatedAt"
         FROM registry_tags t JOIN registries r ON r.id = t.registry_id
        WHERE t.registry_id = ANY($1::uuid[]) AND t.repository = $2 AND t.tag = $3
        ORDER BY t.updated_at DESC`,
      [registryIds, repository, tag],
    );
  }

  private query(tx?: Transaction): (sql: string, params: unknown[]) => Promise<never> {
    const manager = managerOf(tx, this.dataSource.manager);
    return (sql, params) => manager.query(sql, params) as Promise<never>;
  }
}
