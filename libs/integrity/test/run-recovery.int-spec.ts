import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { IntegrityRunRecovery } from '../src/integrity-run-recovery';
import type { IntegritySchedules } from '../src/integrity-schedules';
import { IntegrityRepository } from '../src/integrity.repository';
import { SessionLocks } from '@airlock/persistence';
import { RegistryAuditLock } from '../src/registry-audit-lock';

/**
 * A tick's run left `running` (its worker died) is failed as lost only while no audit holds its
 * registry's advisory lock: real Postgres, the real lock, the real repository. (A tick's run has
 * no job of its own, so the queue is never asked.)
 */
describe('integrity run recovery and the registry lock', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let registryId: string;

  beforeAll(async () => {
    db = await createTestDatabase('run_recovery');
    pg = await connectTestPostgres(db.url, { max: 6 });
    [{ id: registryId }] = await pg.query<{ id: string }>(
      `INSERT INTO registries (name, url, role) VALUES ('prod-eu', 'http://127.0.0.1:1', 'prod')
       RETURNING id`,
    );
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  const lockOf = () => new RegistryAuditLock(new SessionLocks(pg.database, pg.transactions));
  const status = async (id: string) =>
    (
      await pg.query<{ status: string; error_code: string | null }>(
        `SELECT status, error_code FROM integrity_runs WHERE id = $1`,
        [id],
      )
    )[0];

  it('leaves a running run whose registry is being audited, and fails it once nobody holds the lock', async () => {
    const [{ id }] = await pg.query<{ id: string }>(
      `INSERT INTO integrity_runs (registry_id, status, trigger, scheduled_for, started_at)
       VALUES ($1, 'running', 'schedule', now() - interval '1 hour', now()) RETURNING id`,
      [registryId],
    );
    const recovery = new IntegrityRunRecovery(
      new IntegrityRepository(pg.database),
      {} as IntegritySchedules,
      lockOf(),
    );
    let release!: () => void;
    let acquired!: () => void;
    const holding = new Promise<void>((resolve) => (acquired = resolve));
    const held = lockOf().hold(registryId, () => {
      acquired();
      return new Promise<void>((resolve) => (release = resolve));
    });
    await holding;
    try {
      expect(await recovery.recover()).toEqual({ requeued: 0, failed: 0 });
      expect(await status(id)).toEqual({ status: 'running', error_code: null });
    } finally {
      release();
      await held;
    }
    expect(await recovery.recover()).toEqual({ requeued: 0, failed: 1 });
    expect(await status(id)).toEqual({ status: 'failed', error_code: 'WORKER_LOST' });
  });
});
