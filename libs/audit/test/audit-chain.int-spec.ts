import { createHash } from 'node:crypto';
import { AirlockError } from '@airlock/errors';
import { migrationDataSourceOptions } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { AuditChain, GENESIS_HASH, type AuditChainReport } from '../src/audit-chain';
import { DataSource } from 'typeorm';
import { AuditEventRepository, type NewAuditEvent } from '../src/audit-event.repository';

const event = (n: number): NewAuditEvent => ({
  actorTokenId: null,
  actorName: 'test',
  action: 'thing.done',
  subjectType: 'thing',
  subjectId: String(n),
  before: null,
  after: { n, note: 'ünïcode' },
  requestId: null,
});

/** A database of its own with `n` audit events written through the repository (the real path). */
async function chainOf(label: string, n: number) {
  const db = await createTestDatabase(label);
  const pg = await connectTestPostgres(db.url, { max: 4 });
  const events = new AuditEventRepository(pg.database);
  const ids: string[] = [];
  for (let i = 1; i <= n; i += 1) ids.push((await events.append(events.insert(event(i)))).id);
  return { db, pg, events, ids, chain: new AuditChain(pg.database) };
}

/** What a superuser can do that the application cannot: set the append-only trigger aside. */
async function tamper(pg: TestPostgres, statement: string): Promise<void> {
  await pg.query(`ALTER TABLE audit_events DISABLE TRIGGER tr_audit_events_append_only`);
  try {
    await pg.query(statement);
  } finally {
    await pg.query(`ALTER TABLE audit_events ENABLE TRIGGER tr_audit_events_append_only`);
  }
}

/** Recomputes every hash from entry `fromSeq` on, and the head: a rewrite of the chain's tail. */
const REWRITE = (fromSeq: number) => `DO $$
  DECLARE r audit_events; prev bytea;
  BEGIN
    SELECT hash INTO prev FROM audit_events WHERE chain_seq = ${fromSeq - 1};
    FOR r IN SELECT * FROM audit_events WHERE chain_seq >= ${fromSeq} ORDER BY chain_seq LOOP
      r.hash := sha256(prev || airlock_audit_content(r));
      UPDATE audit_events SET prev_hash = prev, hash = r.hash WHERE id = r.id;
      prev := r.hash;
    END LOOP;
    UPDATE audit_chain_head SET hash = prev;
  END $$`;

describe('AuditChain: the audit log as a hash chain, against real Postgres', () => {
  const opened: Array<{ db: TestDatabase; pg: TestPostgres }> = [];
  const open = async (label: string, n: number) => {
    const found = await chainOf(label, n);
    opened.push(found);
    return found;
  };

  afterAll(async () => {
    for (const { pg, db } of opened) {
      await pg.close();
      await db.drop();
    }
  });

  it('holds for an empty log and for events written one after another, each linked to the one before', async () => {
    const { chain, events, pg, ids } = await open('audit_chain_ok', 0);
    expect(await chain.verify()).toEqual({
      ok: true,
      checked: 0,
      head: { seq: '0', hash: GENESIS_HASH },
      broken: null,
    });
    for (let i = 1; i <= 5; i += 1) ids.push((await events.append(events.insert(event(i)))).id);
    const rows = await pg.query<{ seq: string; prev: string; hash: string }>(
      `SELECT chain_seq::text AS seq, encode(prev_hash, 'hex') AS prev, encode(hash, 'hex') AS hash
         FROM audit_events ORDER BY chain_seq`,
    );
    expect(rows.map((r) => r.seq)).toEqual(['1', '2', '3', '4', '5']);
    expect(rows[0]!.prev).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.prev).toBe(rows[i - 1]!.hash);
    // The hash is sha256(prev ‖ content), checked here with Node's sha256, not the database's.
    const [content] = await pg.query<{ bytes: Buffer }>(
      `SELECT airlock_audit_content(e) AS bytes FROM audit_events e WHERE chain_seq = 3`,
    );
    expect(
      createHash('sha256')
        .update(Buffer.concat([Buffer.from(rows[1]!.hash, 'hex'), content!.bytes]))
        .digest('hex'),
    ).toBe(rows[2]!.hash);
    expect(await chain.verify()).toEqual({
      ok: true,
      checked: 5,
      head: { seq: '5', hash: rows[4]!.hash },
      broken: null,
    });
  });

  it('stays one chain under concurrent writers, and a rolled-back event leaves no gap', async () => {
    const { chain, events, pg } = await open('audit_chain_concurrent', 0);
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        pg.transactions.run(async (tx) => {
          await events.append(events.insert(event(i)), tx);
        }),
      ),
    );
    await expect(
      pg.transactions.run(async (tx) => {
        await events.append(events.insert(event(99)), tx);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await events.append(events.insert(event(100)));
    const report = await chain.verify();
    expect(report).toMatchObject({ ok: true, checked: 25, head: { seq: '25' }, broken: null });
  });

  it('names an entry edited past the trigger', async () => {
    const { chain, pg, ids } = await open('audit_chain_edited', 5);
    await tamper(pg, `UPDATE audit_events SET after = '{"n": 99}' WHERE id = ${ids[2]}`);
    expect(await chain.verify()).toMatchObject({
      ok: false,
      checked: 2,
      broken: { reason: 'content', id: ids[2], seq: '3' },
    });
  });

  it('names the entry after one whose hash was recomputed to hide an edit', async () => {
    const { chain, pg, ids } = await open('audit_chain_rehashed', 5);
    await tamper(
      pg,
      `UPDATE audit_events SET actor_name = 'someone else' WHERE id = ${ids[1]};
       UPDATE audit_events e SET hash = sha256(prev_hash || airlock_audit_content(e)) WHERE id = ${ids[1]}`,
    );
    expect(await chain.verify()).toMatchObject({
      ok: false,
      checked: 2,
      broken: { reason: 'link', id: ids[2], seq: '3' },
    });
  });

  it('names a removed entry, and newest entries removed', async () => {
    const middle = await open('audit_chain_deleted', 5);
    await tamper(middle.pg, `DELETE FROM audit_events WHERE id = ${middle.ids[3]}`);
    expect(await middle.chain.verify()).toMatchObject({
      ok: false,
      checked: 3,
      broken: { reason: 'link', id: null, seq: '4' },
    });
    const tail = await open('audit_chain_tail', 5);
    await tamper(tail.pg, `DELETE FROM audit_events WHERE chain_seq >= 4`);
    expect(await tail.chain.verify()).toMatchObject({
      ok: false,
      checked: 3,
      broken: { reason: 'head', id: null, seq: '5' },
    });
  });

  it('catches a rewrite of the whole tail with an anchor kept from an earlier verify', async () => {
    const { chain, pg, ids } = await open('audit_chain_rewritten', 6);
    const before: AuditChainReport = await chain.verify();
    const anchor = `${before.head.seq}:${before.head.hash}`;
    await tamper(
      pg,
      `UPDATE audit_events SET after = '{"n": 0}' WHERE id = ${ids[2]}; ${REWRITE(3)}`,
    );
    // Rewritten consistently from entry 3 on, the chain alone holds again …
    expect(await chain.verify()).toMatchObject({ ok: true, checked: 6 });
    // … but not against the head recorded before the rewrite.
    expect(await chain.verify({ anchor })).toMatchObject({
      ok: false,
      broken: { reason: 'anchor', id: ids[5], seq: '6' },
    });
    expect(await chain.verify({ anchor: `99:${before.head.hash}` })).toMatchObject({
      ok: false,
      broken: { reason: 'anchor', id: null, seq: '99' },
    });
  });

  it('refuses a malformed anchor with INVALID_INPUT naming it', async () => {
    const { chain } = await open('audit_chain_anchor', 0);
    for (const anchor of [
      '12',
      `0:${'a'.repeat(64)}`,
      `3:${'A'.repeat(64)}`,
      `3:${'a'.repeat(63)}`,
    ]) {
      const error = await chain.verify({ anchor }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AirlockError);
      expect((error as AirlockError).code).toBe('INVALID_INPUT');
      expect(JSON.stringify((error as AirlockError).details)).toContain('anchor');
    }
  });

  it('chains the events written before the migration, in id order', async () => {
    const { chain, events, pg, db } = await open('audit_chain_backfill', 3);
    const source = new DataSource(migrationDataSourceOptions({ databaseUrl: db.url }));
    await source.initialize();
    try {
      await source.undoLastMigration(); // the schema as it was before the chain
      for (let i = 4; i <= 6; i += 1) await events.append(events.insert(event(i)));
      await source.runMigrations();
    } finally {
      await source.destroy();
    }
    const ids = await pg.query<{ id: string }>(
      `SELECT id::text AS id FROM audit_events ORDER BY chain_seq`,
    );
    const byId = [...ids].sort((a, b) => Number(a.id) - Number(b.id));
    expect(ids).toEqual(byId);
    expect(await chain.verify()).toMatchObject({ ok: true, checked: 6, head: { seq: '6' } });
    await events.append(events.insert(event(7)));
    expect(await chain.verify()).toMatchObject({ ok: true, checked: 7, head: { seq: '7' } });
  });
});
