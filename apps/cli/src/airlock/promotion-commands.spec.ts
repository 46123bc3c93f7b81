import { DIGEST, events, ID, json, promotion, run } from '../../test/cli-run';

const POLICY_UNMET = {
  type: 'urn:airlock:problem:policy-unmet',
  title: 'Policy unmet',
  status: 409,
  code: 'POLICY_UNMET',
  detail: 'The policy of stage "prod" does not admit it: approval missing',
  requestId: 'req-1',
  missing: ['scan'],
  failed: ['unit-tests'],
  violations: [
    { rule: 'approvals', message: 'needs 1 approval by another principal, has 0' },
    { rule: 'requiredGate', message: 'gate "scan" has no result' },
  ],
};

describe('airlock promote, status, readiness (in-process, canned answers)', () => {
  it('POLICY_UNMET: exit 1, detail, missing, failed and every violation on stderr', async () => {
    const result = await run(
      ['promote', '--repository', 'team/app', '--digest', DIGEST, '--from', 'ci', '--to', 'prod'],
      [json(409, POLICY_UNMET)],
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `error: promotion refused (409 POLICY_UNMET): ${POLICY_UNMET.detail}`,
        '  missing: scan',
        '  failed: unit-tests',
        '  - needs 1 approval by another principal, has 0',
        '  - gate "scan" has no result',
        '  request id: req-1',
        '',
      ].join('\n'),
    );
  });

  it('TAG_CONFLICT: exit 1, each tag with the digest it points at or is claimed for', async () => {
    const other = `sha256:${'b'.repeat(64)}`;
    const result = await run(
      ['promote', '--repository', 'team/app', '--digest', DIGEST, '--from', 'ci', '--to', 'prod'],
      [
        json(409, {
          status: 409,
          code: 'TAG_CONFLICT',
          detail: 'prod-eu/team/app:1.0.0 already points at another digest',
          conflicts: [
            { registry: 'prod-eu', tag: '1.0.0', digest: other, requestedDigest: DIGEST },
            {
              registry: 'prod-us',
              tag: '1.0.0',
              digest: other,
              requestedDigest: DIGEST,
              promotionId: ID,
            },
          ],
        }),
      ],
    );
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').slice(1, 3)).toEqual([
      `  - tag 1.0.0 in prod-eu already points at ${other}`,
      `  - tag 1.0.0 in prod-us is being promoted onto ${other} by promotion ${ID}`,
    ]);
  });

  it('--json prints the problem+json body, and only it, on stdout', async () => {
    const result = await run(
      ['promote', '--repository', 'x', '--tag', 'b', '--from', 'ci', '--to', 'prod', '--json'],
      [json(409, POLICY_UNMET)],
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual(POLICY_UNMET);
  });

  it('promote sends the Idempotency-Key and prints only the id without --wait', async () => {
    const result = await run(
      [
        'promote',
        '--repository',
        'team/app',
        '--digest',
        DIGEST,
        '--from',
        'ci',
        '--to',
        'prod',
        '--tag-as',
        '1.0.0',
        '--tag-as',
        'stable',
        '--idempotency-key',
        'build-42',
      ],
      [json(202, promotion('queued'), { 'idempotency-replayed': 'true' })],
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${ID}\n`);
    expect(result.stderr).toMatch(/Idempotency-Key "build-42" was used before/);
    expect(result.sent[0]!.headers['Idempotency-Key']).toBe('build-42');
    expect((result.sent[0]!.body as { tags: string[] }).tags).toEqual(['1.0.0', 'stable']);
  });

  it('promote --wait polls until succeeded and exits 0', async () => {
    const result = await run(
      [
        'promote',
        '--repository',
        'team/app',
        '--digest',
        DIGEST,
        '--from',
        'ci',
        '--to',
        'prod',
        '--wait',
      ],
      [
        json(202, promotion('queued')),
        // An Airlock without the event stream: --wait polls.
        json(404, { code: 'NOT_FOUND', status: 404 }),
        json(200, promotion('running')),
        new Error('a blip'),
        json(503, { code: 'NOT_READY', status: 503 }),
        json(200, promotion('succeeded')),
      ],
    );
    expect(result.code).toBe(0);
    expect(result.sent.map((s) => `${s.method} ${s.url}`).slice(1)).toEqual([
      `GET http://airlock.test/api/v1/promotions/${ID}/events`,
      ...Array(4).fill(`GET http://airlock.test/api/v1/promotions/${ID}`),
    ]);
    expect(result.stdout).toContain(`promotion ${ID}: ${DIGEST} → prod (prod-eu)`);
    expect(result.stdout).toContain('queued  0 B / 2.0 KiB (0%)  blobs 0/2');
    expect(result.stdout).toContain(
      `promotion ${ID} succeeded: ${DIGEST} is in team/app in prod-eu as 1.0.0`,
    );
  });

  it('promote --wait: a failed promotion exits 1 with its error on stderr', async () => {
    const failed = promotion('failed', {
      error: { code: 'REGISTRY_AUTH_FAILED', message: 'denied' },
    });
    const result = await run(
      [
        'promote',
        '--repository',
        'x',
        '--digest',
        DIGEST,
        '--from',
        'ci',
        '--to',
        'prod',
        '--wait',
        '--json',
      ],
      [json(202, promotion('queued')), new TypeError('fetch failed'), json(200, failed)],
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual(failed);
    expect(result.stderr).toContain(`error: promotion ${ID} failed: REGISTRY_AUTH_FAILED: denied`);
  });

  it('promote --wait: past --timeout exits 3 and says the promotion goes on', async () => {
    const answers = [json(202, promotion('running')), json(404, { code: 'NOT_FOUND' })];
    for (let i = 0; i < 5; i += 1) answers.push(json(200, promotion('running')));
    const result = await run(
      [
        'promote',
        '--repository',
        'x',
        '--digest',
        DIGEST,
        '--from',
        'a',
        '--to',
        'b',
        '--wait',
        '--timeout',
        '3',
      ],
      answers,
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`is still running after 3 s`);
    expect(result.stderr).toContain(`airlock status ${ID}`);
  });

  it('promote --wait: Airlock unreachable for several polls in a row exits 3', async () => {
    const down = Array.from({ length: 5 }, () => new TypeError('fetch failed'));
    const result = await run(
      ['promote', '--repository', 'x', '--digest', DIGEST, '--from', 'a', '--to', 'b', '--wait'],
      [json(202, promotion('queued')), new TypeError('fetch failed'), ...down],
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/5 times in a row; promotion .* goes on/);
  });

  it('promote --wait follows the event stream to its end, with no polling', async () => {
    const result = await run(
      ['promote', '--repository', 'x', '--digest', DIGEST, '--from', 'a', '--to', 'b', '--wait'],
      [
        json(202, promotion('queued')),
        events([
          ['promotion', promotion('queued')],
          [
            'promotion',
            promotion('running', {
              progress: { bytesDone: 1024, bytesTotal: 2048, blobsDone: 1, blobsTotal: 2 },
            }),
          ],
          ['end', promotion('succeeded')],
        ]),
      ],
    );
    expect(result.code).toBe(0);
    expect(result.sent.map((s) => s.url)).toEqual([
      'http://airlock.test/api/v1/promotions',
      `http://airlock.test/api/v1/promotions/${ID}/events`,
    ]);
    expect(result.sent[1]!.headers.accept).toBe('text/event-stream');
    expect(result.stdout).toContain('running  1.0 KiB / 2.0 KiB (50%)  blobs 1/2');
    expect(result.stdout).toContain(`promotion ${ID} succeeded`);
  });

  it('promote --wait polls on when the stream drops before its end', async () => {
    const result = await run(
      ['promote', '--repository', 'x', '--digest', DIGEST, '--from', 'a', '--to', 'b', '--wait'],
      [
        json(202, promotion('queued')),
        events([['promotion', promotion('running')]]),
        json(200, promotion('succeeded')),
      ],
    );
    expect(result.code).toBe(0);
    expect(result.sent.at(-1)!.url).toBe(`http://airlock.test/api/v1/promotions/${ID}`);
  });

  it('a dry run prints the plan; not ready exits 1 with the gaps', async () => {
    const result = await run(
      [
        'promote',
        '--repository',
        'x',
        '--digest',
        DIGEST,
        '--from',
        'ci',
        '--to',
        'prod',
        '--dry-run',
      ],
      [
        json(200, {
          dryRun: true,
          digest: DIGEST,
          ready: false,
          evaluation: {
            ready: false,
            satisfied: [],
            missing: ['scan'],
            failed: [],
            violations: [],
          },
          targets: [
            {
              registry: 'prod-eu',
              alreadyPresent: false,
              blobs: { total: 3, copy: 2, mount: 0, skip: 1 },
              bytesToCopy: 2048,
              tagCollisions: [],
            },
          ],
        }),
      ],
    );
    expect(result.code).toBe(1);
    expect((result.sent[0]!.body as { dryRun: boolean }).dryRun).toBe(true);
    expect(result.stdout).toContain('prod-eu: copy 2 blob(s) (2.0 KiB), mount 0, skip 1');
    expect(result.stderr).toContain('missing: scan');
  });

  it('readiness: 0 when ready, 1 when not', async () => {
    const ready = await run(
      ['readiness', DIGEST, '--stage', 'prod', '--tag', '1.0.0'],
      [json(200, { ready: true, satisfied: ['scan'], missing: [], failed: [], violations: [] })],
    );
    expect(ready.code).toBe(0);
    expect(ready.stdout).toContain(`${DIGEST} is ready for prod`);
    const notReady = await run(
      ['readiness', DIGEST, '--stage', 'prod'],
      [
        json(200, {
          ready: false,
          satisfied: [],
          missing: ['approval'],
          failed: [],
          violations: [],
        }),
      ],
    );
    expect(notReady.code).toBe(1);
    expect(notReady.stdout).toContain('missing: approval');
  });

  it('status: a cancelled promotion exits 1', async () => {
    const result = await run(['status', ID], [json(200, promotion('cancelled'))]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`promotion ${ID}: cancelled`);
  });
});
