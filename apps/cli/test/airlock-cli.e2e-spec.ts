import { generateToken } from '@airlock/auth';
import {
  AirlockProcess,
  buildImage,
  freePort,
  ImagePusher,
  RegistryFixture,
  sha256Digest,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '@airlock/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirlockApi, startTestApi, stopTestApi } from '../../api/test/support/airlock-api';

/** The built CLI, exactly what `npm install -g` puts on a CI agent's PATH. */
const CLI = join(__dirname, '..', '..', '..', 'dist', 'apps', 'cli', 'src', 'airlock', 'main.js');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running `airlock` process; `result` settles when it exits. */
interface CliRun {
  child: ChildProcess;
  stdout(): string;
  result: Promise<CliResult>;
}

/** The environment without the test runner's AIRLOCK_* variables: only what a test passes counts. */
function baseEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => !entry[0].startsWith('AIRLOCK_') && !!entry[1],
    ),
  );
}

function startCli(args: string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...baseEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, stdout: () => stdout, result };
}

/**
 * The CLI as a pipeline runs it: spawned from dist/ against a real API process, a real worker,
 * real registries, Postgres and Redis.
 */
describe('airlock CLI against a running Airlock', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let ciRegistry: RegistryFixture;
  let prod: RegistryFixture;
  let locked: RegistryFixture;
  let ciPusher: ImagePusher;
  let prodPusher: ImagePusher;
  let ciToken: string;
  let approverToken: string;
  let workerEnv: Record<string, string>;
  let worker: AirlockProcess | undefined;
  const runs: CliRun[] = [];

  /** Runs `airlock` as the CI token against the API, unless `env` says otherwise. */
  const airlock = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
    background(args, env).result;
  const background = (args: string[], env: Record<string, string> = {}): CliRun => {
    const run = startCli(args, { AIRLOCK_URL: api.base, AIRLOCK_TOKEN: ciToken, ...env });
    runs.push(run);
    return run;
  };
  const startWorker = async () => {
    worker = AirlockProcess.start('worker', workerEnv);
    await worker.waitForLog(/worker consuming queues: .*promotion/);
  };
  const stopWorker = async () => {
    await worker?.stop();
    worker = undefined;
  };
  const digestIn = async (pusher: ImagePusher, repository: string, reference: string) => {
    const manifest = await pusher.getManifest(repository, reference);
    return manifest && sha256Digest(manifest.bytes);
  };

  beforeAll(async () => {
    [ciRegistry, prod, locked] = await Promise.all([
      RegistryFixture.start({ auth: 'none', name: 'cli-ci' }),
      RegistryFixture.start({ auth: 'none', name: 'cli-prod' }),
      RegistryFixture.start({ auth: 'htpasswd', name: 'cli-locked' }),
    ]);
    ciPusher = new ImagePusher(ciRegistry);
    prodPusher = new ImagePusher(prod);
    const env = { AIRLOCK_SECRET_KEY: 'd'.repeat(64), AIRLOCK_RECONCILE_INTERVAL_MS: '1000' };
    ({ db, redis, api } = await startTestApi('cli', adminToken, env));
    workerEnv = {
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
      ...env,
    };

    const admin = async (method: string, path: string, body: unknown, expected: number) =>
      expect((await api.call(method, path, { token: adminToken, body })).status).toBe(expected);
    await admin(
      'POST',
      '/api/v1/registries',
      { name: 'ci-pool', url: ciRegistry.url, role: 'ci' },
      201,
    );
    await admin('POST', '/api/v1/registries', { name: 'prod', url: prod.url, role: 'prod' }, 201);
    await admin(
      'POST',
      '/api/v1/registries',
      { name: 'locked', url: locked.url, role: 'sandbox', credentials: locked.credentials },
      201,
    );
    await admin(
      'POST',
      '/api/v1/stages',
      { name: 'ci', position: 1, registries: ['ci-pool'] },
      201,
    );
    await admin('POST', '/api/v1/stages', { name: 'prod', position: 2, registries: ['prod'] }, 201);
    await admin('POST', '/api/v1/stages', { name: 'locked', registries: ['locked'] }, 201);
    await admin(
      'PUT',
      '/api/v1/stages/prod/policy',
      { allowedSourceStages: ['ci'], requiredGates: ['unit-tests'], approvalsRequired: 1 },
      200,
    );
    await admin('PUT', '/api/v1/stages/locked/policy', {}, 200);
    const token = async (name: string, role: string) =>
      (
        (await api.call('POST', '/api/v1/tokens', { token: adminToken, body: { name, role } }))
          .body as { token: string }
      ).token;
    ciToken = await token('jenkins', 'ci');
    approverToken = await token('alice', 'approver');
    await startWorker();
  });

  afterAll(async () => {
    for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await stopWorker();
    for (const pusher of [ciPusher, prodPusher]) pusher?.close();
    await Promise.all([ciRegistry, prod, locked].map((r) => r?.stop()));
    await stopTestApi({ api, redis, db });
  });

  /** Pushes a fresh image into the CI pool under `tag`; its digest. */
  const pushed = async (repository: string, tag: string) =>
    (await ciPusher.push(repository, buildImage(), [tag])).digest;

  it('drives a full promotion: register, gate, approve, promote --wait → exit 0', async () => {
    const digest = await pushed('team/app', 'build-1');
    const registered = await airlock([
      'register',
      '--registry',
      'ci-pool',
      '--repository',
      'team/app',
      '--tag',
      'build-1',
      '--commit',
      '9f2c1e7',
      '--build-url',
      'https://ci.example.com/job/app/1/',
      '--pipeline-id',
      '1',
    ]);
    expect(registered).toMatchObject({ code: 0, stdout: `${digest}\n` });

    const gated = await airlock([
      'gate',
      digest,
      '--gate',
      'unit-tests',
      '--status',
      'passed',
      '--url',
      'https://ci.example.com/job/app/1/tests',
      '--details',
      '{"passed": 812, "failed": 0}',
    ]);
    expect(gated).toMatchObject({ code: 0, stdout: `recorded unit-tests passed for ${digest}\n` });

    // Four-eyes: the approval comes from a person's token, passed as a flag over the CI one.
    const approved = await airlock([
      'approve',
      digest,
      '--comment',
      'ship it',
      '--token',
      approverToken,
    ]);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`approved ${digest} (gate approval) as alice`);

    const ready = await airlock([
      'readiness',
      digest,
      '--stage',
      'prod',
      '--source',
      'ci',
      '--tag',
      '1.0.0',
    ]);
    expect(ready).toMatchObject({ code: 0, stdout: expect.stringContaining('is ready for prod') });

    const promoted = await airlock([
      'promote',
      '--repository',
      'team/app',
      '--tag',
      'build-1',
      '--from',
      'ci',
      '--to',
      'prod',
      '--tag-as',
      '1.0.0',
      '--idempotency-key',
      'jenkins-app-1',
      '--wait',
      '--timeout',
      '45',
    ]);
    expect(promoted.stderr).toBe('');
    expect(promoted.code).toBe(0);
    // Not a TTY: plain progress lines, then the verdict.
    expect(promoted.stdout).toMatch(
      /^promotion [0-9a-f-]{36}: sha256:[0-9a-f]{64} → prod \(prod\)\n/,
    );
    expect(promoted.stdout).toMatch(/blobs \d+\/\d+/);
    expect(promoted.stdout).toContain(`succeeded: ${digest} is in team/app in prod as 1.0.0`);
    expect(await digestIn(prodPusher, 'team/app', '1.0.0')).toBe(digest);
    const id = promoted.stdout.match(/^promotion ([0-9a-f-]{36})/)![1]!;

    // The same key again: the first promotion, reported as a replay; --json gives its JSON only.
    const replayed = await airlock([
      'promote',
      '--repository',
      'team/app',
      '--tag',
      'build-1',
      '--from',
      'ci',
      '--to',
      'prod',
      '--tag-as',
      '1.0.0',
      '--idempotency-key',
      'jenkins-app-1',
      '--json',
    ]);
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ id, digest });
    expect(replayed.stderr).toContain('was used before');

    const status = await airlock(['status', id, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, status: 'succeeded', tags: ['1.0.0'] });
  });

  it('a missing approval: exit 1, and stderr names what is missing', async () => {
    const digest = await pushed('team/unapproved', 'build-2');
    expect(
      (
        await airlock([
          'register',
          '--registry',
          'ci-pool',
          '--repository',
          'team/unapproved',
          '--digest',
          digest,
        ])
      ).code,
    ).toBe(0);
    const promote = [
      'promote',
      '--repository',
      'team/unapproved',
      '--digest',
      digest,
      '--from',
      'ci',
      '--to',
      'prod',
      '--tag-as',
      '2.0.0',
      '--wait',
    ];
    const refused = await airlock(promote);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^error: promotion refused \(409 POLICY_UNMET\): /);
    expect(refused.stderr).toContain('  missing: unit-tests');
    expect(refused.stderr).toMatch(/\n {2}- .*approv/i);

    // --json: the problem+json body on stdout, parseable, with the same lists.
    const asJson = await airlock([...promote, '--json']);
    expect(asJson.code).toBe(1);
    const problem = JSON.parse(asJson.stdout) as {
      code: string;
      missing: string[];
      violations: Array<{ rule: string }>;
    };
    expect(problem.code).toBe('POLICY_UNMET');
    expect(problem.missing).toEqual(['unit-tests']);
    expect(problem.violations.map((v) => v.rule)).toContain('approvals');

    const notReady = await airlock(['readiness', digest, '--stage', 'prod', '--json']);
    expect(notReady.code).toBe(1);
    expect(JSON.parse(notReady.stdout)).toMatchObject({ ready: false, missing: ['unit-tests'] });
    expect(await digestIn(prodPusher, 'team/unapproved', '2.0.0')).toBeUndefined();
  });

  it('a promotion whose copy fails permanently: promote --wait → exit 1 with the error', async () => {
    const digest = await pushed('team/locked', 'build-3');
    expect(
      (
        await airlock([
          'register',
          '--registry',
          'ci-pool',
          '--repository',
          'team/locked',
          '--digest',
          digest,
        ])
      ).code,
    ).toBe(0);
    await stopWorker();
    const run = background([
      'promote',
      '--repository',
      'team/locked',
      '--digest',
      digest,
      '--from',
      'ci',
      '--to',
      'locked',
      '--wait',
    ]);
    await waitFor(
      'the promotion to be accepted',
      () => /^promotion \S+: /.test(run.stdout()) || undefined,
    );
    // The password changes while the promotion waits: the copy meets a 401 it cannot get past.
    const changed = await api.call('PATCH', '/api/v1/registries/locked', {
      token: adminToken,
      body: { credentials: { username: locked.credentials.username, password: 'wrong' } },
    });
    expect(changed.status).toBe(200);
    await startWorker();
    const failed = await run.result;
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error: promotion [0-9a-f-]{36} failed: REGISTRY_AUTH_FAILED: /);
  });

  it('promotes a release from a file: promote --release --wait → exit 0, every tag written', async () => {
    const ready = async (repository: string) => {
      const digest = await pushed(repository, 'build-7');
      const as = (token: string) => ({ token });
      for (const [path, body, token] of [
        ['/api/v1/images', { registry: 'ci-pool', repository, digest }, ciToken],
        [`/api/v1/gates/${digest}/results`, { gate: 'unit-tests', status: 'passed' }, ciToken],
        [`/api/v1/gates/${digest}/approvals`, { comment: 'ok' }, approverToken],
      ] as const)
        expect((await api.call('POST', path, { ...as(token), body })).status).toBe(201);
      return digest;
    };
    const api1 = await ready('shop/api');
    const web = await ready('shop/web');
    const untested = await pushed('shop/jobs', 'build-7');
    const dir = await mkdtemp(join(tmpdir(), 'airlock-release-'));
    const file = join(dir, 'release.json');
    const items = [
      { repository: 'shop/api', digest: api1, tags: ['7.0.0'] },
      { repository: 'shop/web', tag: 'build-7', tags: ['7.0.0'] },
    ];
    try {
      await writeFile(
        file,
        JSON.stringify({ name: 'shop 7', source: 'ci', target: 'prod', items }),
      );
      const promoted = await airlock(['promote', '--release', file, '--wait', '--timeout', '45']);
      expect(promoted.stderr).toBe('');
      expect(promoted.code).toBe(0);
      expect(promoted.stdout).toContain('succeeded: 2 item(s) in prod, 2 tag(s) written');
      expect(await digestIn(prodPusher, 'shop/api', '7.0.0')).toBe(api1);
      expect(await digestIn(prodPusher, 'shop/web', '7.0.0')).toBe(web);

      // One item not ready: the whole release is refused, exit 1, stderr names the item.
      const withUntested = [
        ...items,
        { repository: 'shop/jobs', digest: untested, tags: ['7.0.1'] },
      ];
      await writeFile(file, JSON.stringify({ source: 'ci', target: 'prod', items: withUntested }));
      const refused = await airlock(['promote', '--release', file]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('RELEASE_NOT_READY');
      expect(refused.stderr).toContain('items[2] shop/jobs');
      expect(await digestIn(prodPusher, 'shop/jobs', '7.0.1')).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('no token: exit 2 naming both ways to give one, and nothing sent', async () => {
    const result = await airlock(['status', '0b6f0a2e-3c0e-4a43-9b55-2f8c2a3e8e0b'], {
      AIRLOCK_TOKEN: '',
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('missing an API token (--token or AIRLOCK_TOKEN)');
  });

  it('bad flags: exit 2', async () => {
    const result = await airlock([
      'gate',
      `sha256:${'e'.repeat(64)}`,
      '--gate',
      'x',
      '--status',
      'green',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Allowed choices are passed, failed');
  });

  it('Airlock unreachable (a closed port): exit 3', async () => {
    const port = await freePort();
    const result = await airlock(['readiness', `sha256:${'e'.repeat(64)}`, '--stage', 'prod'], {
      AIRLOCK_URL: `http://127.0.0.1:${port}`,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`cannot reach Airlock at http://127.0.0.1:${port}`);
    expect(result.stderr).toContain('ECONNREFUSED');
  });

  it('never prints the token, even with --help and errors', async () => {
    const results = await Promise.all([
      airlock(['--help']),
      airlock(['status', 'not-a-uuid']),
      airlock(['approve', `sha256:${'e'.repeat(64)}`]),
    ]);
    expect(results.map((r) => r.code)).toEqual([0, 1, 1]);
    for (const result of results) expect(result.stdout + result.stderr).not.toContain(ciToken);
  });
});
