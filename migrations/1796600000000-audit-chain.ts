import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tamper-evident audit log. The append-only trigger stops the application, not a superuser who
 * disables it; so every event is chained: `hash` = sha256(`prev_hash` ‖ the event's content) and
 * `prev_hash` is the hash of the event before it in `chain_seq` order. Editing, deleting or
 * inserting a row out of band breaks the chain at that row, and `GET /api/v1/audit/verify` names
 * it (libs/audit AuditChain).
 *
 * The chain is the database's: a BEFORE INSERT trigger extends it, whatever statement writes the
 * event (AuditService.record, or a change's own statement that embeds the insert). The head row
 * (`audit_chain_head`) is locked by each insert until its transaction ends, so chain order is
 * commit order and a rolled-back event leaves no gap. Content is a jsonb array text (canonical in
 * Postgres, independent of the session's time zone: the time is in epoch microseconds).
 */
export class AuditChain1796600000000 implements MigrationInterface {
  name = 'AuditChain1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events
      ADD COLUMN chain_seq bigint, ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea`);
    await q.query(`CREATE FUNCTION airlock_audit_content(e audit_events) RETURNS bytea
      LANGUAGE sql IMMUTABLE AS $$
        SELECT convert_to(jsonb_build_array(
          e.id, e.chain_seq, (extract(epoch FROM e.occurred_at) * 1000000)::bigint,
          e.actor_token_id, e.actor_name, e.action, e.subject_type, e.subject_id,
          e.before, e.after, e.request_id)::text, 'UTF8')
      $$`);
    await q.query(`CREATE TABLE audit_chain_head (
      one boolean PRIMARY KEY DEFAULT true CHECK (one),
      seq bigint NOT NULL,
      hash bytea NOT NULL
    )`);
    // The events so far, chained in id order (the append-only trigger set aside for it).
    await q.query(`ALTER TABLE audit_events DISABLE TRIGGER tr_audit_events_append_only`);
    await q.query(`DO $$
      DECLARE
        r audit_events;
        prev bytea := decode(repeat('00', 32), 'hex');
        n bigint := 0;
      BEGIN
        FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
          n := n + 1;
          r.chain_seq := n;
          r.hash := sha256(prev || airlock_audit_content(r));
          UPDATE audit_events SET chain_seq = n, prev_hash = prev, hash = r.hash WHERE id = r.id;
          prev := r.hash;
        END LOOP;
        INSERT INTO audit_chain_head (seq, hash) VALUES (n, prev);
      END $$`);
    await q.query(`ALTER TABLE audit_events ENABLE TRIGGER tr_audit_events_append_only`);
    await q.query(`ALTER TABLE audit_events
      ALTER COLUMN chain_seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL,
      ALTER COLUMN hash SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX uq_audit_events_chain_seq ON audit_events (chain_seq)`);
    await q.query(`CREATE FUNCTION airlock_audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        head audit_chain_head;
      BEGIN
        -- The row lock on the head serializes writers until commit: one chain, no forks.
        UPDATE audit_chain_head SET seq = seq + 1 RETURNING * INTO head;
        NEW.chain_seq := head.seq;
        NEW.prev_hash := head.hash;
        NEW.hash := sha256(head.hash || airlock_audit_content(NEW));
        UPDATE audit_chain_head SET hash = NEW.hash;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER tr_audit_events_chain BEFORE INSERT ON audit_events
      FOR EACH ROW EXECUTE FUNCTION airlock_audit_chain()`);
    await q.query(`CREATE TRIGGER tr_audit_chain_head_keep BEFORE DELETE ON audit_chain_head
      FOR EACH ROW EXECUTE FUNCTION airlock_refuse_change()`);
    await q.query(`CREATE TRIGGER tr_audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
      FOR EACH STATEMENT EXECUTE FUNCTION airlock_refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS tr_audit_events_chain ON audit_events`);
    await q.query(`DROP FUNCTION IF EXISTS airlock_audit_chain()`);
    await q.query(`DROP TABLE IF EXISTS audit_chain_head`);
    await q.query(`DROP INDEX IF EXISTS uq_audit_events_chain_seq`);
    await q.query(`DROP FUNCTION IF EXISTS airlock_audit_content(audit_events)`);
    await q.query(`ALTER TABLE audit_events
      DROP COLUMN IF EXISTS chain_seq, DROP COLUMN IF EXISTS prev_hash, DROP COLUMN IF EXISTS hash`);
  }
}
