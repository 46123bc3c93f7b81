import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registries show who they log in as (`credentials.username`) without decrypting anything: the
 * username is not a secret, the password stays sealed in `credentials_ciphertext`.
 */
export class RegistryCredentialsUsername1795510000000 implements MigrationInterface {
  name = 'RegistryCredentialsUsername1795510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE registries ADD COLUMN credentials_username text`);
    await q.query(
      `ALTER TABLE registries ADD CONSTRAINT ck_registries_credentials_pair
         CHECK ((credentials_username IS NULL) = (credentials_ciphertext IS NULL))`,
    );
    await q.query(`CREATE INDEX ix_stages_position ON stages (position, name)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_stages_position`);
    await q.query(
      `ALTER TABLE registries DROP CONSTRAINT IF EXISTS ck_registries_credentials_pair`,
    );
    await q.query(`ALTER TABLE registries DROP COLUMN IF EXISTS credentials_username`);
  }
}
