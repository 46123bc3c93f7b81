import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where blobs live in each registry, as the copy engine learned it from its own copies, mounts
 * and skips (libs/copy BlobLocations): the memory that lets a copy mount a blob from another
 * repository of the target registry instead of streaming it again. Keyed by the registry's
 * origin, the identity the engine knows registries by; a row is a hint, checked by the mount
 * itself and deleted when a mount finds it stale.
 */
export class BlobLocations1796400000000 implements MigrationInterface {
  name = 'BlobLocations1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE blob_locations (
      registry_origin text NOT NULL,
      digest text NOT NULL CHECK (digest ~ '^[a-z0-9]+:[a-f0-9]{32,}$'),
      repository text NOT NULL,
      seen_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (registry_origin, digest, repository)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS blob_locations`);
  }
}
