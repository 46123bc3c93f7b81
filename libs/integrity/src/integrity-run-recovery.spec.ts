import { IntegrityRunRecovery } from './integrity-run-recovery';
import type { IntegritySchedules } from './integrity-schedules';
import type { IntegrityRepository, IntegrityRunRow } from './integrity.repository';
import type { RegistryAuditLock } from './registry-audit-lock';

type Run = Pick<IntegrityRunRow, 'id' | 'registryId' | 'registry' | 'status' | 'trigger'>;

function world(runs: Run[], jobs: Record<string, { state: string; failedReason?: string }>) {
  const abandoned: Array<[string, string, string]> = [];
  const queued: string[] = [];
  const busy = new Set<string>();
  const repository = {
    unfinished: () => Promise.resolve(runs),
    abandon: (id: string, status: string, error: { code: string; message: string }) => {
      abandoned.push([id, status, `${error.code}: ${error.message}`]);
      return Promise.resolve(true);
    },
  } as unknown as IntegrityRepository;
  const schedules = {
    runJobState: (id: string) => Promise.resolve(jobs[id] ?? { state: 'missing' }),
    queueRun: (_registryId: string, id: string) => {
      queued.push(id);
      return Promise.resolve(id);
    },
  } as unknown as IntegritySchedules;
  const lock = {
    hold: <T>(registryId: string, work: () => Promise<T>) =>
      busy.has(registryId) ? Promise.resolve(undefined) : work(),
  } as unknown as RegistryAuditLock;
  return {
    recovery: new IntegrityRunRecovery(repository, schedules, lock),
    abandoned,
    queued,
    busy,
  };
}

const run = (
  id: string,
  status: Run['status'],
  trigger: Run['trigger'],
  registryId = 'r1',
): Run => ({
  id,
  registryId,
  registry: registryId,
  status,
  trigger,
});

describe('IntegrityRunRecovery', () => {
  it('leaves a run alone while its job is pending', async () => {
    const w = world([run('a', 'queued', 'manual'), run('b', 'running', 'manual')], {
      a: { state: 'waiting' },
      b: { state: 'active' },
    });
    expect(await w.recovery.recover()).toEqual({ requeued: 0, failed: 0 });
    expect(w.abandoned).toEqual([]);
  });

  it('queues again a queued run whose job is gone, and fails one whose job failed for good', async () => {
    const w = world([run('a', 'queued', 'manual'), run('b', 'queued', 'manual')], {
      b: { state: 'failed', failedReason: 'registry "prod-eu" is being audited' },
    });
    expect(await w.recovery.recover()).toEqual({ requeued: 1, failed: 1 });
    expect(w.queued).toEqual(['a']);
    expect(w.abandoned).toEqual([
      ['b', 'queued', 'INTERNAL: its job failed: registry "prod-eu" is being audited'],
    ]);
  });

  it('fails a running run only when no audit holds its registry', async () => {
    const w = world(
      [run('a', 'running', 'schedule', 'free'), run('b', 'running', 'manual', 'taken')],
      {},
    );
    w.busy.add('taken');
    expect(await w.recovery.recover()).toEqual({ requeued: 0, failed: 1 });
    expect(w.abandoned.map(([id, status, error]) => [id, status, error.split(':')[0]])).toEqual([
      ['a', 'running', 'WORKER_LOST'],
    ]);
  });
});
