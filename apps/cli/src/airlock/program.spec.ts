import type { CliIo, Output } from './output';
import { runCli } from './program';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const TOKEN = 'alk_unit-test-token-that-must-never-be-printed';
const ID = '0b6f0a2e-3c0e-4a43-9b55-2f8c2a3e8e0b';

class Buffer implements Output {
  text = '';
  constructor(readonly isTTY = false) {}
  write(text: string): void {
    this.text += text;
  }
}

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A CLI run against canned answers, in-process: what it sent, printed and exited with. */
async function run(
  args: string[],
  answers: Array<Response | Error> = [],
  env: Record<string, string> = { AIRLOCK_URL: 'http://airlock.test/', AIRLOCK_TOKEN: TOKEN },
) {
  const sent: Sent[] = [];
  const stdout = new Buffer();
  const stderr = new Buffer();
  let clock = 0;
  const io: CliIo = {
    stdout,
    stderr,
    env,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    fetch: (async (url: string, init: RequestInit) => {
      sent.push({
        url,
        method: init.method!,
        headers: init.headers as Record<string, string>,
        body: init.body === undefined ? undefined : JSON.parse(init.body as string),
      });
      const next = answers.shift();
      if (next === undefined) throw new Error(`unexpected request ${init.method} ${url}`);
      if (next instanceof Error) throw next;
      return next;
    }) as typeof fetch,
  };
  const code = await runCli(args, io);
  expect(stdout.text + stderr.text).not.toContain(TOKEN);
  return { code, sent, stdout: stdout.text, stderr: stderr.text };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': type, ...headers },
  });
}

function promotion(status: string, extra: Record<string, unknown> = {}) {
  return {
    id: ID,
    status,
    digest: DIGEST,
    target: { stage: 'prod', repository: 'team/app' },
    tags: ['1.0.0'],
    progress: { bytesDone: 0, bytesTotal: 2048, blobsDone: 0, blobsTotal: 2 },
    targets: [
      {
        registry: 'prod-eu',
        status,
        progress: { bytesDone: 0, bytesTotal: 2048, blobsDone: 0, blobsTotal: 2 },
        error: null,
      },
    ],
    error: null,
    ...extra,
  };
}

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

describe('airlock CLI (in-process, canned answers)', () => {
  it('register sends the body with the bearer token and prints the digest', async () => {
    const result = await run(
      ['register', '--registry', 'ci-pool', '--repository', 'team/app', '--tag', 'b1'],
      [json(201, { digest: DIGEST, repository: 'team/app' })],
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${DIGEST}\n`);
    expect(result.sent).toEqual([
      expect.objectContaining({
        url: 'http://airlock.test/api/v1/images',
        method: 'POST',
        body: { registry: 'ci-pool', repository: 'team/app', tag: 'b1' },
      }),
    ]);
    expect(result.sent[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('--url and --token flags win over the environment, before or after the command', async () => {
    const before = await run(
      ['--url', 'http://flag.test', '--token', 'alk_flag', 'status', ID],
      [json(200, promotion('running'))],
    );
    expect(before.sent[0]!.url).toBe(`http://flag.test/api/v1/promotions/${ID}`);
    expect(before.sent[0]!.headers.authorization).toBe('Bearer alk_flag');
    const after = await run(
      ['status', ID, '--url', 'http://flag.test'],
      [json(200, promotion('queued'))],
    );
    expect(after.sent[0]!.url).toBe(`http://flag.test/api/v1/promotions/${ID}`);
  });

  it('gate: --url after the command is the evidence URL, not Airlock', async () => {
    const result = await run(
      ['gate', DIGEST, '--gate', 'unit-tests', '--status', 'passed', '--url', 'https://ci/1'],
      [json(201, { digest: DIGEST, gate: 'unit-tests', status: 'passed', recordedByName: 'ci' })],
    );
    expect(result.code).toBe(0);
    expect(result.sent[0]!.url).toBe(
      `http://airlock.test/api/v1/gates/${encodeURIComponent(DIGEST)}/results`,
    );
    expect(result.sent[0]!.body).toEqual({
      gate: 'unit-tests',
      status: 'passed',
      url: 'https://ci/1',
    });
    expect(result.stdout).toBe(`recorded unit-tests passed for ${DIGEST}\n`);
  });

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
        json(200, promotion('running')),
        new Error('a blip'),
        json(503, { code: 'NOT_READY', status: 503 }),
        json(200, promotion('succeeded')),
      ],
    );
    expect(result.code).toBe(0);
    expect(result.sent.map((s) => `${s.method} ${s.url}`).slice(1)).toEqual(
      Array(4).fill(`GET http://airlock.test/api/v1/promotions/${ID}`),
    );
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
      [json(202, promotion('queued')), json(200, failed)],
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual(failed);
    expect(result.stderr).toContain(`error: promotion ${ID} failed: REGISTRY_AUTH_FAILED: denied`);
  });

  it('promote --wait: past --timeout exits 3 and says the promotion goes on', async () => {
    const answers = [json(202, promotion('running'))];
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
      [json(202, promotion('queued')), ...down],
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/5 times in a row; promotion .* goes on/);
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

  it('a 5xx exits 3; a 4xx exits 1; an answer that is not JSON is described', async () => {
    const bad = await run(
      ['approve', DIGEST],
      [new Response('<html><body>Bad gateway</body></html>', { status: 502 })],
    );
    expect(bad.code).toBe(3);
    expect(bad.stderr).toBe('error: approval refused (HTTP 502): Bad gateway\n');
    const forbidden = await run(
      ['approve', DIGEST],
      [json(403, { code: 'FORBIDDEN', status: 403, detail: 'four-eyes' })],
    );
    expect(forbidden.code).toBe(1);
  });

  it('usage errors exit 2: missing URL and token, bad flags, unknown commands', async () => {
    const missing = await run(['status', ID], [], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('AIRLOCK_URL');
    expect(missing.stderr).toContain('AIRLOCK_TOKEN');
    expect(missing.sent).toEqual([]);
    expect((await run(['gate', DIGEST, '--gate', 'x', '--status', 'ok'])).code).toBe(2);
    expect(
      (await run(['gate', DIGEST, '--gate', 'x', '--status', 'passed', '--details', '['])).code,
    ).toBe(2);
    expect((await run(['register', '--registry', 'r'])).code).toBe(2);
    expect((await run(['nope'])).code).toBe(2);
    expect((await run([])).code).toBe(2);
  });

  it('--help exits 0 and documents the exit codes', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toContain('AIRLOCK_TOKEN');
  });

  it('no answer at all exits 3, naming the cause', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED',
    });
    const result = await run(['status', ID], [new TypeError('fetch failed', { cause: refused })]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'error: cannot reach Airlock at http://airlock.test: connect ECONNREFUSED 127.0.0.1:9\n',
    );
  });
});
