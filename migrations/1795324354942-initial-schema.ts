import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The core ledger of ARCHITECTURE.md. Conventions: uuid keys for things people name in URLs,
 * bigint identity keys for high-volume append-only rows (gate results, audit events),
 * timestamptz everywhere, CHECK constraints for closed vocabularies, named indexes for every
 * filter the API offers.
 */
export class InitialSchema1795324354942 implements MigrationInterface {
  name = 'InitialSchema1795324354942';

  async up(q: QueryRunner): Promise<void> {
    for (const statement of UP) await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS idempotency_keys, audit_events, api_tokens, webhook_deliveries,
        webhook_subscriptions, archived_digests, mirror_runs, mirror_rules, promotion_targets,
        promotions, gate_results, registry_tags, image_locations, images, policies,
        stage_registries, stages, registries CASCADE`);
    await q.query(`DROP FUNCTION IF EXISTS airlock_refuse_change()`);
  }
}

const UP = [
  `CREATE TABLE registries (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     name text NOT NULL,
     url text NOT NULL,
     role text NOT NULL CHECK (role IN ('sandbox', 'ci', 'prod', 'archive', 'upstream')),
     credentials_ciphertext bytea,
     tls_ca_pem text,
     tls_insecure boolean NOT NULL DEFAULT false,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT uq_registries_name UNIQUE (name)
   )`,
  `CREATE TABLE stages (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     name text NOT NULL,
     position integer NOT NULL DEFAULT 0,
     created_at timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT uq_stages_name UNIQUE (name)
   )`,
  `CREATE TABLE stage_registries (
     stage_id uuid NOT NULL REFERENCES stages (id) ON DELETE CASCADE,
     registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE RESTRICT,
     PRIMARY KEY (stage_id, registry_id)
   )`,
  `CREATE INDEX ix_stage_registries_registry ON stage_registries (registry_id)`,
  `CREATE TABLE policies (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     target_stage_id uuid NOT NULL REFERENCES stages (id) ON DELETE CASCADE,
     allowed_source_stages text[] NOT NULL DEFAULT '{}',
     required_gates text[] NOT NULL DEFAULT '{}',
     approvals_required integer NOT NULL DEFAULT 0 CHECK (approvals_required >= 0),
     immutable_tags boolean NOT NULL DEFAULT true,
     tag_pattern text,
     forbid_latest boolean NOT NULL DEFAULT false,
     required_referrers text[] NOT NULL DEFAULT '{}',
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT uq_policies_target_stage UNIQUE (target_stage_id)
   )`,
  `CREATE TABLE images (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     repository text NOT NULL,
     digest text NOT NULL CHECK (digest ~ '^sha256:[a-f0-9]{64}$'),
     media_type text NOT NULL,
     size bigint NOT NULL CHECK (size >= 0),
     platforms jsonb NOT NULL DEFAULT '[]',
     annotations jsonb NOT NULL DEFAULT '{}',
     base_name text,
     base_digest text,
     build jsonb NOT NULL DEFAULT '{}',
     registered_by uuid,
     created_at timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT uq_images_repository_digest UNIQUE (repository, digest)
   )`,
  `CREATE INDEX ix_images_digest ON images (digest)`,
  `CREATE INDEX ix_images_base_name ON images (base_name) WHERE base_name IS NOT NULL`,
  `CREATE INDEX ix_images_created ON images (created_at DESC, id DESC)`,
  `CREATE TABLE image_locations (
     image_id uuid NOT NULL REFERENCES images (id) ON DELETE CASCADE,
     registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE RESTRICT,
     repository text NOT NULL,
     first_seen_at timestamptz NOT NULL DEFAULT now(),
     last_seen_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (image_id, registry_id, repository)
   )`,
  `CREATE INDEX ix_image_locations_registry ON image_locations (registry_id, repository)`,
  // One row per visible tag: the primary key is what makes "two promotions put the same tag on
  // different digests" a conflict for one of them instead of a race.
  `CREATE TABLE registry_tags (
     registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
     repository text NOT NULL,
     tag text NOT NULL,
     digest text NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (registry_id, repository, tag)
   )`,
  `CREATE INDEX ix_registry_tags_digest ON registry_tags (digest)`,
  `CREATE TABLE gate_results (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     digest text NOT NULL CHECK (digest ~ '^sha256:[a-f0-9]{64}$'),
     gate text NOT NULL,
     status text NOT NULL CHECK (status IN ('passed', 'failed')),
     is_approval boolean NOT NULL DEFAULT false,
     url text,
     details jsonb NOT NULL DEFAULT '{}',
     recorded_by uuid,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  // Newest result per (digest, gate) is an index-only walk of this index.
  `CREATE INDEX ix_gate_results_digest_gate ON gate_results (digest, gate, id DESC)`,
  `CREATE TABLE promotions (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     image_id uuid NOT NULL REFERENCES images (id) ON DELETE RESTRICT,
     digest text NOT NULL,
     source_registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE RESTRICT,
     source_repository text NOT NULL,
     target_stage_id uuid NOT NULL REFERENCES stages (id) ON DELETE RESTRICT,
     tags text[] NOT NULL DEFAULT '{}',
     status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
     evidence jsonb NOT NULL DEFAULT '[]',
     requested_by uuid,
     error_code text,
     error_message text,
     created_at timestamptz NOT NULL DEFAULT now(),
     started_at timestamptz,
     finished_at timestamptz,
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX ix_promotions_image ON promotions (image_id, created_at DESC)`,
  `CREATE INDEX ix_promotions_status ON promotions (status, updated_at) WHERE status IN ('queued', 'running')`,
  `CREATE TABLE promotion_targets (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     promotion_id uuid NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
     registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE RESTRICT,
     repository text NOT NULL,
     status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
     bytes_done bigint NOT NULL DEFAULT 0,
     bytes_total bigint NOT NULL DEFAULT 0,
     blobs_done integer NOT NULL DEFAULT 0,
     blobs_total integer NOT NULL DEFAULT 0,
     attempts integer NOT NULL DEFAULT 0,
     error_code text,
     error_message text,
     started_at timestamptz,
     finished_at timestamptz,
     updated_at timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT uq_promotion_targets_registry UNIQUE (promotion_id, registry_id)
   )`,
  `CREATE TABLE mirror_rules (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     name text NOT NULL,
     upstream_registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE RESTRICT,
     upstream_repository text NOT NULL,
     tag_selection jsonb NOT NULL,
     archive_registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE RESTRICT,
     archive_repository text NOT NULL,
     schedule text NOT NULL,
     enabled boolean NOT NULL DEFAULT true,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT uq_mirror_rules_name UNIQUE (name)
   )`,
  `CREATE TABLE mirror_runs (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     rule_id uuid NOT NULL REFERENCES mirror_rules (id) ON DELETE CASCADE,
     status text NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed')),
     tags_checked integer NOT NULL DEFAULT 0,
     new_digests integer NOT NULL DEFAULT 0,
     bytes_copied bigint NOT NULL DEFAULT 0,
     errors jsonb NOT NULL DEFAULT '[]',
     started_at timestamptz NOT NULL DEFAULT now(),
     finished_at timestamptz
   )`,
  `CREATE INDEX ix_mirror_runs_rule ON mirror_runs (rule_id, started_at DESC)`,
  `CREATE TABLE archived_digests (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     rule_id uuid REFERENCES mirror_rules (id) ON DELETE SET NULL,
     archive_registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE RESTRICT,
     repository text NOT NULL,
     tag text NOT NULL,
     digest text NOT NULL,
     history_tag text,
     first_seen_at timestamptz NOT NULL DEFAULT now(),
     last_seen_at timestamptz NOT NULL DEFAULT now(),
     CONSTRAINT uq_archived_digests UNIQUE (archive_registry_id, repository, tag, digest)
   )`,
  `CREATE INDEX ix_archived_digests_digest ON archived_digests (digest)`,
  `CREATE TABLE webhook_subscriptions (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     url text NOT NULL,
     events text[] NOT NULL,
     secret_ciphertext bytea NOT NULL,
     enabled boolean NOT NULL DEFAULT true,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE webhook_deliveries (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
     event_id uuid NOT NULL,
     event_type text NOT NULL,
     payload jsonb NOT NULL,
     status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
     attempts integer NOT NULL DEFAULT 0,
     last_status_code integer,
     last_error text,
     created_at timestamptz NOT NULL DEFAULT now(),
     delivered_at timestamptz
   )`,
  `CREATE INDEX ix_webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at DESC)`,
  `CREATE TABLE api_tokens (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     name text NOT NULL,
     role text NOT NULL CHECK (role IN ('admin', 'ci', 'approver', 'reader')),
     token_hash bytea NOT NULL,
     token_prefix text NOT NULL,
     created_by uuid REFERENCES api_tokens (id) ON DELETE SET NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     last_used_at timestamptz,
     revoked_at timestamptz,
     CONSTRAINT uq_api_tokens_hash UNIQUE (token_hash)
   )`,
  `CREATE TABLE audit_events (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     occurred_at timestamptz NOT NULL DEFAULT now(),
     actor_token_id uuid,
     actor_name text,
     action text NOT NULL,
     subject_type text NOT NULL,
     subject_id text,
     before jsonb,
     after jsonb,
     request_id text
   )`,
  `CREATE INDEX ix_audit_events_subject ON audit_events (subject_type, subject_id, id DESC)`,
  `CREATE INDEX ix_audit_events_actor ON audit_events (actor_token_id, id DESC)`,
  // Append-only is a property of the database, not a promise of the code.
  `CREATE FUNCTION airlock_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
       USING ERRCODE = 'insufficient_privilege';
   END $$`,
  `CREATE TRIGGER tr_audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
     FOR EACH ROW EXECUTE FUNCTION airlock_refuse_change()`,
  `CREATE TRIGGER tr_audit_events_no_truncate BEFORE TRUNCATE ON audit_events
     FOR EACH STATEMENT EXECUTE FUNCTION airlock_refuse_change()`,
  `CREATE TABLE idempotency_keys (
     principal_id uuid NOT NULL,
     key text NOT NULL,
     request_hash text NOT NULL,
     response_status integer,
     response_body jsonb,
     created_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (principal_id, key)
   )`,
  `CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at)`,
];
