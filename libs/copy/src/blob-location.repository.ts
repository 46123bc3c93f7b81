import { Database, sql } from '@airlock/persistence';
import { Injectable, Logger } from '@nestjs/common';
import type { BlobLocation, BlobLocations } from './blob-locations';

/** Remembered repositories per blob: the newest few are all a copy tries. */
const PER_BLOB = 3;

/**
 * BlobLocations in Postgres (`blob_locations`), shared by every worker and kept across restarts.
 * A hint store: a failing statement is logged and answered as "nothing known" or "not
 * remembered" — the copy then streams as it would without memory, and never fails for it.
 */
@Injectable()
export class BlobLocationRepository implements BlobLocations {
  private readonly logger = new Logger('BlobLocations');

  constructor(private readonly db: Database) {}

  async find(origin: string, digests: string[]): Promise<Map<string, string[]>> {
    if (digests.length === 0) return new Map();
    try {
      const rows = await this.db.rows<{ digest: string; repositories: string[] }>(
        sql`SELECT digest, (array_agg(repository ORDER BY seen_at DESC))[1:${PER_BLOB}::int] AS repositories
              FROM blob_locations
             WHERE registry_origin = ${origin} AND digest = ANY(${digests}::text[])
             GROUP BY digest`,
      );
      return new Map(rows.map((row) => [row.digest, row.repositories]));
    } catch (error) {
      this.logger.warn(`blob locations of ${origin} not read: ${(error as Error).message}`);
      return new Map();
    }
  }

  async remember(origin: string, locations: BlobLocation[]): Promise<void> {
    const unique = new Map(locations.map((l) => [`${l.digest} ${l.repository}`, l]));
    if (unique.size === 0) return;
    const digests = [...unique.values()].map((l) => l.digest);
    const repositories = [...unique.values()].map((l) => l.repository);
    try {
      await this.db.run(
        sql`INSERT INTO blob_locations (registry_origin, digest, repository)
            SELECT ${origin}, d, r FROM unnest(${digests}::text[], ${repositories}::text[]) AS t(d, r)
            ON CONFLICT (registry_origin, digest, repository) DO UPDATE SET seen_at = now()`,
      );
    } catch (error) {
      this.logger.warn(`blob locations of ${origin} not remembered: ${(error as Error).message}`);
    }
  }

  async forget(origin: string, { digest, repository }: BlobLocation): Promise<void> {
    try {
      await this.db.run(
        sql`DELETE FROM blob_locations
             WHERE registry_origin = ${origin} AND digest = ${digest} AND repository = ${repository}`,
      );
    } catch (error) {
      this.logger.warn(
        `blob location ${origin}/${repository}@${digest} not forgotten: ${(error as Error).message}`,
      );
    }
  }
}
