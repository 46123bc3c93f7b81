import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIGEST, ID, json, promotion, run } from '../../test/cli-run';

const OTHER = `sha256:${'d'.repeat(64)}`;
const ITEM_ID = '5d1c9a4e-7b3f-4e0a-8c2d-1f6e9b0a3c7d';

const RELEASE_FILE = {
  name: '2026.12 payments',
  source: 'ci',
  target: 'prod',
  items: [
    { repository: 'team/app', digest: DIGEST, tags: ['2026.12'] },
    { repository: 'team/db', tag: 'build-42', tags: ['2026.12'] },
  ],
};

function item(repository: string, digest: string, status: string, extra = {}) {
  return {
    ...promotion(status, { id: ITEM_ID, digest, tags: ['2026.12'], ...extra }),
    source: { stage: 'ci', registry: 'ci-pool', repository, tag: null },
  };
}

function release(status: string, extra: Record<string, unknown> = {}) {
  const itemStatus = status === 'committing' ? 'running' : status;
  return {
    id: ID,
    name: '2026.12 payments',
    status,
    source: { stage: 'ci' },
    target: { stage: 'prod' },
    progress: { bytesDone: 1024, bytesTotal: 4096, blobsDone: 1, blobsTotal: 4 },
    staged: { done: 1, total: 2 },
    tagsLanded: [],
    items: [item('team/app', DIGEST, itemStatus), item('team/db', OTHER, itemStatus)],
    error: null,
    run: 1,
    createdAt: '2026-12-01T10:00:00.000Z',
    finishedAt: null,
    updatedAt: '2026-12-01T10:00:00.000Z',
    ...extra,
  };
}

const SUCCEEDED = release('succeeded', {
  progress: { bytesDone: 4096, bytesTotal: 4096, blobsDone: 4, blobsTotal: 4 },
  staged: { done: 2, total: 2 },
  tagsLanded: [
    { registry: 'prod-eu', repository: 'team/app', tag: '2026.12' },
    { registry: 'prod-eu', repository: 'team/db', tag: '2026.12' },
  ],
});

describe('airlock promote --release, release-status (in-process, canned answers)', () => {
  let dir: string;
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-release-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sends the file as the body with the Idempotency-Key and prints only the id', async () => {
    const path = file('release.json', RELEASE_FILE);
    const result = await run(
      ['promote', '--release', path, '--idempotency-key', 'build-42'],
      [json(202, release('running'), { 'idempotency-replayed': 'true' })],
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ID}\n`);
    expect(result.stderr).toBe(
      'note: Idempotency-Key "build-42" was used before: this is that release\n',
    );
    expect(result.sent).toHaveLength(1);
    expect(result.sent[0]).toMatchObject({
      url: 'http://airlock.test/api/v1/releases',
      method: 'POST',
      body: RELEASE_FILE,
    });
    expect(result.sent[0]!.headers['Idempotency-Key']).toBe('build-42');
  });

  it('--from and --to win over the file; without a key no Idempotency-Key is sent', async () => {
    const { source: _source, target: _target, ...rest } = RELEASE_FILE;
    const path = file('release.json', rest);
    const result = await run(
      ['promote', '--release', path, '--from', 'staging', '--to', 'prod-us'],
      [json(202, release('running'))],
    );
    expect(result.code).toBe(0);
    expect(result.sent[0]!.body).toEqual({ ...rest, source: 'staging', target: 'prod-us' });
    expect(result.sent[0]!.headers['Idempotency-Key']).toBeUndefined();
  });

  it('--wait follows the release with ?wait until succeeded (a plain poll after a failed one) and exits 0', async () => {
    const path = file('release.json', RELEASE_FILE);
    const result = await run(
      ['promote', '--release', path, '--wait'],
      [
        json(202, release('running')),
        new Error('a blip'),
        json(200, release('committing', { staged: { done: 2, total: 2 } })),
        json(200, SUCCEEDED),
      ],
    );
    expect(result.code).toBe(0);
    const at = `GET http://airlock.test/api/v1/releases/${ID}`;
    expect(result.sent.map((s) => `${s.method} ${s.url}`).slice(1)).toEqual([
      `${at}?wait=1`,
      at,
      `${at}?wait=1`,
    ]);
    expect(result.stdout.split('\n')).toEqual([
      `release ${ID} "2026.12 payments": 2 item(s) ci → prod`,
      'running  staged 1/2  1.0 KiB / 4.0 KiB (25%)  blobs 1/4',
      'committing  staged 2/2  1.0 KiB / 4.0 KiB (25%)  blobs 1/4',
      'succeeded  staged 2/2  4.0 KiB / 4.0 KiB (100%)  blobs 4/4  tags 2',
      `release ${ID} "2026.12 payments" succeeded: 2 item(s) in prod, 2 tag(s) written`,
      '  - prod-eu: team/app:2026.12',
      '  - prod-eu: team/db:2026.12',
      '',
    ]);
    expect(result.stderr).toBe('');
  });

  it('--wait: a failed release exits 1, naming the item that failed', async () => {
    const path = file('release.json', RELEASE_FILE);
    const denied = { code: 'REGISTRY_AUTH_FAILED', message: 'prod-eu: denied' };
    const failed = release('failed', {
      error: { code: 'RELEASE_ITEM_FAILED', message: 'items[1] failed; no tag was written' },
      items: [
        item('team/app', DIGEST, 'cancelled', { error: { code: 'CANCELLED', message: 'x' } }),
        item('team/db', OTHER, 'failed', { error: denied }),
      ],
    });
    const result = await run(
      ['promote', '--release', path, '--wait'],
      [json(202, release('running')), json(200, failed)],
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      [
        `error: release ${ID} failed: RELEASE_ITEM_FAILED: items[1] failed; no tag was written`,
        `  - items[1] team/db ${OTHER}: REGISTRY_AUTH_FAILED: prod-eu: denied`,
        '',
      ].join('\n'),
    );
    expect(result.stdout).not.toContain('succeeded');
  });

  it('--wait --json: a cancelled release exits 1 with the release as the only stdout', async () => {
    const path = file('release.json', RELEASE_FILE);
    const cancelled = release('cancelled');
    const result = await run(
      ['promote', '--release', path, '--wait', '--json'],
      [json(202, release('running')), json(200, cancelled)],
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual(cancelled);
    expect(result.stderr).toContain(`error: release ${ID} cancelled`);
  });

  it('--wait: past --timeout exits 3 and points at release-status', async () => {
    const path = file('release.json', RELEASE_FILE);
    const answers = Array.from({ length: 3 }, () => json(200, release('running')));
    const result = await run(
      ['promote', '--release', path, '--wait', '--timeout', '2'],
      [json(202, release('running')), ...answers],
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`release ${ID} is still running after 2 s`);
    expect(result.stderr).toContain(`airlock release-status ${ID}`);
  });

  it('usage errors exit 2 and send nothing', async () => {
    const missing = await run(['promote', '--release', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: cannot read the release file: ENOENT/);
    const bad = await run(['promote', '--release', file('bad.json', '{"items": [')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: the release file .*bad\.json is not valid JSON/);
    const noItems = await run(['promote', '--release', file('empty.json', { source: 'ci' })]);
    expect(noItems.code).toBe(2);
    expect(noItems.stderr).toContain('needs "items"');
    const noTarget = await run([
      'promote',
      '--release',
      file('no-target.json', { source: 'ci', items: [{ repository: 'x', tag: 'y' }] }),
    ]);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('the release names no target stage');
    const path = file('release.json', RELEASE_FILE);
    const combined = await run(['promote', '--release', path, '--repository', 'team/app']);
    expect(combined.code).toBe(2);
    expect(combined.stderr).toContain(
      "error: option '--release <file>' cannot be used with option '--repository <repository>'",
    );
    expect((await run(['promote', '--release', path, '--tag-as', '1.0'])).code).toBe(2);
    for (const result of [missing, bad, noItems, noTarget, combined]) {
      expect(result.sent).toEqual([]);
    }
  });

  it('without --release, --repository, --from and --to stay required', async () => {
    const none = await run(['promote', '--digest', DIGEST, '--from', 'ci', '--to', 'prod']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe("error: required option '--repository <repository>' not specified\n");
    const noTo = await run(['promote', '--repository', 'x', '--digest', DIGEST, '--from', 'ci']);
    expect(noTo.code).toBe(2);
    expect(noTo.stderr).toBe("error: required option '--to <stage>' not specified\n");
    expect(noTo.sent).toEqual([]);
  });

  it('--dry-run prints every item verdict; not ready exits 1 with the gaps', async () => {
    const path = file('release.json', RELEASE_FILE);
    const plan = {
      registry: 'prod-eu',
      alreadyPresent: false,
      blobs: { total: 3, copy: 2, mount: 0, skip: 1 },
      bytesToCopy: 2048,
      tagCollisions: [],
    };
    const evaluation = {
      ready: true,
      satisfied: ['scan'],
      missing: [],
      failed: [],
      violations: [],
    };
    const dryRun = {
      dryRun: true,
      ready: false,
      items: [
        { dryRun: true, digest: DIGEST, ready: true, evaluation, targets: [plan] },
        {
          dryRun: true,
          digest: OTHER,
          ready: false,
          evaluation: { ...evaluation, ready: false, satisfied: [], missing: ['approval'] },
          targets: [{ ...plan, alreadyPresent: true }],
        },
      ],
    };
    const result = await run(['promote', '--release', path, '--dry-run'], [json(200, dryRun)]);
    expect(result.code).toBe(1);
    expect((result.sent[0]!.body as { dryRun: boolean }).dryRun).toBe(true);
    expect(result.stdout.split('\n')).toEqual([
      'dry run: release of 2 item(s) ci → prod would be refused',
      `  items[0] team/app ${DIGEST}: ready`,
      '    prod-eu: copy 2 blob(s) (2.0 KiB), mount 0, skip 1',
      `  items[1] team/db ${OTHER}: not ready`,
      '    prod-eu: already present, only tags to write',
      '',
    ]);
    expect(result.stderr).toBe(
      ['not ready:', `  items[1] team/db ${OTHER}:`, '    missing: approval', ''].join('\n'),
    );
    const ready = await run(
      ['promote', '--release', path, '--dry-run'],
      [json(200, { ...dryRun, ready: true, items: [dryRun.items[0]] })],
    );
    expect(ready.code).toBe(0);
    expect(ready.stderr).toBe('');
  });

  it('409 RELEASE_NOT_READY: exit 1, each refused item with its reasons', async () => {
    const path = file('release.json', RELEASE_FILE);
    const problem = {
      type: 'urn:airlock:problem:release-not-ready',
      title: 'Release not ready',
      status: 409,
      code: 'RELEASE_NOT_READY',
      detail: 'The policy of stage "prod" does not admit 2 of the release\'s 2 items',
      requestId: 'req-9',
      stage: 'prod',
      items: [
        {
          index: 0,
          repository: 'team/app',
          digest: DIGEST,
          code: 'POLICY_UNMET',
          message: 'approval missing',
          missing: ['approval'],
          failed: [],
          violations: [{ rule: 'approvals', message: 'needs 1 approval, has 0' }],
        },
        {
          index: 1,
          repository: 'team/db',
          digest: OTHER,
          code: 'TAG_CONFLICT',
          message: 'prod-eu/team/db:2026.12 already points at another digest',
          conflicts: [{ registry: 'prod-eu', tag: '2026.12', digest: DIGEST }],
        },
      ],
    };
    const result = await run(['promote', '--release', path], [json(409, problem)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `error: release refused (409 RELEASE_NOT_READY): ${problem.detail}`,
        `  - items[0] team/app (${DIGEST}): POLICY_UNMET: approval missing`,
        '    missing: approval',
        '    - needs 1 approval, has 0',
        `  - items[1] team/db (${OTHER}): TAG_CONFLICT: ${problem.items[1]!.message}`,
        `    - tag 2026.12 in prod-eu already points at ${DIGEST}`,
        '  request id: req-9',
        '',
      ].join('\n'),
    );
  });

  it('release-status: running exits 0, failed exits 1, a 404 exits 1', async () => {
    const running = await run(['release-status', ID], [json(200, release('running'))]);
    expect(running.code).toBe(0);
    expect(running.sent[0]!.url).toBe(`http://airlock.test/api/v1/releases/${ID}`);
    expect(running.stdout.split('\n').slice(0, 4)).toEqual([
      `release ${ID} "2026.12 payments": running`,
      '  stages:   ci → prod',
      '  progress: running  staged 1/2  1.0 KiB / 4.0 KiB (25%)  blobs 1/4',
      `  - items[0] team/app ${DIGEST}: running as 2026.12`,
    ]);
    const failed = await run(
      ['release-status', ID],
      [json(200, release('failed', { error: { code: 'X', message: 'broke' } }))],
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('  error:    X: broke');
    const missing = await run(
      ['release-status', ID],
      [json(404, { status: 404, code: 'NOT_FOUND', detail: 'no such release' })],
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: status refused (404 NOT_FOUND): no such release\n');
  });
});
