import { constraintViolationOf, TransactionRunner } from '@airlock/persistence';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { MirrorRepository, type MirrorRunRow, type NewMirrorRule } from '../src/mirror.repository';

const UUID = expect.stringMatching(/^[0-9a-f-]{36}$/);
const OLD = `sha256:${'a'.repeat(64)}`;
const NEW = `sha256:${'b'.repeat(64)}`;

/** The rows MirrorRepository's statements answer, against real Postgres, held to their types. */
describe('MirrorRepository', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let mirrors: MirrorRepository;
  let transactions: TransactionRunner;
  const registryIds: Record<string, string> = {};

  const newRule = (name: string, overrides: Partial<NewMirrorRule> = {}): NewMirrorRule => ({
    name,
    upstreamRegistryId: registryIds.hub!,
    upstreamRepository: 'library/alpine',
    tagSelection: { tags: ['latest'], newest: 2 },
    archiveRegistryId: registryIds.archive!,
    archiveRepository: `mirror/${name}`,
    schedule: '0 3 * * *',
    enabled: true,
    ...overrides,
  });

  beforeAll(async () => {
    db = await createTestDatabase('mirror_repository');
    pg = await connectTestPostgres(db.url);
    mirrors = new MirrorRepository(pg.database);
    transactions = pg.transactions;
    for (const [name, role] of [
      ['hub', 'upstream'],
      ['archive', 'archive'],
      ['archive-2', 'archive'],
    ]) {
      const [row] = (await pg.query(
        `INSERT INTO registries (name, url, role) VALUES ($1, 'http://127.0.0.1:1', $2) RETURNING id`,
        [name, role],
      )) as Array<{ id: string }>;
      registryIds[name!] = row!.id;
    }
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  it('answers rules as MirrorRuleRow, with their registries by name', async () => {
    const inserted = await transactions.run((tx) => mirrors.insertRule(newRule('alpine'), tx));
    expect(inserted).toEqual({
      id: UUID,
      name: 'alpine',
      upstreamRegistryId: registryIds.hub,
      upstreamRegistry: 'hub',
      upstreamRepository: 'library/alpine',
      tagSelection: { tags: ['latest'], newest: 2 },
      archiveRegistryId: registryIds.archive,
      archiveRegistry: 'archive',
      archiveRepository: 'mirror/alpine',
      schedule: '0 3 * * *',
      enabled: true,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    expect(await mirrors.findRule({ id: inserted.id })).toEqual(inserted);
    expect(await mirrors.findRule({ name: 'alpine' })).toEqual(inserted);
    expect(await transactions.run((tx) => mirrors.findRule({ name: 'alpine' }, tx, true))).toEqual(
      inserted,
    );
    expect(await mirrors.findRule({ name: 'nope' })).toBeNull();
    await transactions.run((tx) => mirrors.insertRule(newRule('busybox'), tx));
    expect((await mirrors.listRules()).map((rule) => rule.name)).toEqual(['alpine', 'busybox']);
  });

  it('reports a name taken as a unique violation', async () => {
    const error = await transactions
      .run((tx) => mirrors.insertRule(newRule('alpine'), tx))
      .catch((e: unknown) => e);
    expect(constraintViolationOf(error)).toMatchObject({ kind: 'unique' });
  });

  it('changes only the fields given, and moves updatedAt', async () => {
    const before = (await mirrors.findRule({ name: 'busybox' }))!;
    const after = await transactions.run((tx) =>
      mirrors.updateRule(
        before.id,
        {
          tagSelection: { semver: '^1' },
          archiveRegistryId: registryIds['archive-2'],
          enabled: false,
          schedule: undefined,
        },
        tx,
      ),
    );
    expect(after).toEqual({
      ...before,
      tagSelection: { semver: '^1' },
      archiveRegistryId: registryIds['archive-2'],
      archiveRegistry: 'archive-2',
      enabled: false,
      updatedAt: expect.any(Date),
    });
    expect(after.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
  });

  it('answers runs as MirrorRunRow: one per tick, a running one taken over', async () => {
    const rule = (await mirrors.findRule({ name: 'alpine' }))!;
    const tick = new Date('2030-01-02T03:00:00Z');
    const started = await mirrors.startRun(rule.id, 'schedule', tick);
    expect(started).toEqual({
      id: UUID,
      ruleId: rule.id,
      status: 'running',
      trigger: 'schedule',
      scheduledFor: tick,
      tagsChecked: 0,
      tagsFailed: 0,
      newDigests: 0,
      bytesCopied: 0,
      errors: [],
      results: [],
      startedAt: expect.any(Date),
      finishedAt: null,
      startedAtKey: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?\+00$/),
    } satisfies Record<keyof MirrorRunRow, unknown>);
    const again = await mirrors.startRun(rule.id, 'schedule', tick);
    expect(again!.id).toBe(started!.id);
    const finished = await transactions.run((tx) =>
      mirrors.finishRun(
        started!.id,
        {
          status: 'partial',
          tagsChecked: 2,
          tagsFailed: 1,
          newDigests: 1,
          bytesCopied: 5_000_000_000,
          errors: [{ tag: 'edge', code: 'REGISTRY_NOT_FOUND', message: 'gone' }],
          results: [
            { tag: 'latest', outcome: 'archived', digest: NEW, previousDigest: null },
            { tag: 'edge', outcome: 'failed', error: { code: 'REGISTRY_NOT_FOUND', message: 'x' } },
          ],
        },
        tx,
      ),
    );
    expect(finished).toEqual({
      ...started,
      status: 'partial',
      tagsChecked: 2,
      tagsFailed: 1,
      newDigests: 1,
      bytesCopied: 5_000_000_000,
      errors: [{ tag: 'edge', code: 'REGISTRY_NOT_FOUND', message: 'gone' }],
      results: [
        { tag: 'latest', outcome: 'archived', digest: NEW, previousDigest: null },
        { tag: 'edge', outcome: 'failed', error: { code: 'REGISTRY_NOT_FOUND', message: 'x' } },
      ],
      startedAt: expect.any(Date),
      finishedAt: expect.any(Date),
      startedAtKey: expect.any(String),
    });
    // The tick has its finished run: a second delivery of it starts nothing.
    expect(await mirrors.startRun(rule.id, 'schedule', tick)).toBeNull();
    expect(await mirrors.findRun(rule.id, started!.id)).toEqual(finished);
    expect(await mirrors.findRun(rule.id, '00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('pages runs newest first on (started_at, id)', async () => {
    const rule = (await mirrors.findRule({ name: 'alpine' }))!;
    const manual = [];
    for (let i = 0; i < 3; i++) manual.push((await mirrors.startRun(rule.id, 'manual', null))!);
    expect(manual[0]).toMatchObject({ trigger: 'manual', scheduledFor: null });
    const first = await mirrors.listRuns(rule.id, 2);
    expect(first.map((run) => run.id)).toEqual([manual[2]!.id, manual[1]!.id]);
    const last = first[1]!;
    const rest = await mirrors.listRuns(rule.id, 10, {
      startedAtKey: last.startedAtKey,
      id: last.id,
    });
    expect(rest.map((run) => run.id)).toEqual([manual[0]!.id, expect.any(String)]);
    expect(rest[1]!.trigger).toBe('schedule');
  });

  it('answers archived digests as ArchivedDigestRow, the newest sighting per tag current', async () => {
    const rule = (await mirrors.findRule({ name: 'alpine' }))!;
    const sighting = {
      ruleId: rule.id,
      archiveRegistryId: registryIds.archive!,
      repository: 'mirror/alpine',
      tag: 'latest',
    };
    await transactions.run(async (tx) => {
      await mirrors.recordArchived({ ...sighting, digest: OLD, historyTag: 'archive-a' }, tx);
      await mirrors.recordArchived({ ...sighting, tag: '3', digest: OLD, historyTag: null }, tx);
    });
    await transactions.run((tx) =>
      mirrors.recordArchived({ ...sighting, digest: NEW, historyTag: 'archive-b' }, tx),
    );
    expect(await mirrors.currentArchived(registryIds.archive!, 'mirror/alpine')).toEqual([
      { tag: '3', digest: OLD },
      { tag: 'latest', digest: NEW },
    ]);
    const listed = await mirrors.listArchived(registryIds.archive!, 'mirror/alpine', 'latest');
    expect(listed).toEqual([
      {
        ruleId: rule.id,
        repository: 'mirror/alpine',
        tag: 'latest',
        digest: NEW,
        historyTag: 'archive-b',
        firstSeenAt: expect.any(Date),
        lastSeenAt: expect.any(Date),
        current: true,
      },
      expect.objectContaining({ digest: OLD, historyTag: 'archive-a', current: false }),
    ]);
    // Seen again: last seen now, its history tag kept.
    await transactions.run((tx) =>
      mirrors.recordArchived({ ...sighting, digest: OLD, historyTag: null }, tx),
    );
    const again = await mirrors.listArchived(registryIds.archive!, 'mirror/alpine');
    expect(again.map((row) => [row.tag, row.digest, row.historyTag, row.current])).toEqual([
      ['3', OLD, null, true],
      ['latest', OLD, 'archive-a', true],
      ['latest', NEW, 'archive-b', false],
    ]);
  });

  it('deletes a rule with its runs; its archived digests stay, without a rule', async () => {
    const rule = (await mirrors.findRule({ name: 'alpine' }))!;
    await transactions.run((tx) => mirrors.deleteRule(rule.id, tx));
    expect(await mirrors.findRule({ id: rule.id })).toBeNull();
    expect(await mirrors.listRuns(rule.id, 10)).toEqual([]);
    const kept = await mirrors.listArchived(registryIds.archive!, 'mirror/alpine');
    expect(kept).toHaveLength(3);
    expect(kept.every((row) => row.ruleId === null)).toBe(true);
  });
});
