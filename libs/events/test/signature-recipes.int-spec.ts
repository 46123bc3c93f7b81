import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signatureHeader } from '../src/webhook-signature';

/**
 * The verifiers docs/recipes hands to CI servers, run as CI runs them, against what Airlock signs:
 * the shell script under sh and bash, and the GitLab relay as a process in front of a fake GitLab.
 */
const RECIPES = join(__dirname, '..', '..', '..', 'docs', 'recipes');
const SECRET = `whsec_${'k'.repeat(32)}`;
const NEW_DIGEST = `sha256:${'b'.repeat(64)}`;
const OLD_DIGEST = `sha256:${'a'.repeat(64)}`;

const now = (): number => Math.floor(Date.now() / 1000);

function dependent(
  repository: string,
  build: Record<string, string>,
  baseName = 'docker.io/library/alpine:3.19',
) {
  return {
    imageId: randomUUID(),
    repository,
    digest: `sha256:${randomUUID().replace(/-/g, '').repeat(2)}`,
    baseName,
    baseDigest: OLD_DIGEST,
    stages: ['ci', 'prod'],
    locations: [{ registry: 'ci-pool', repository }],
    build,
  };
}

/** A `base-image.updated` body as Airlock sends it (one line of JSON, UTF-8, signed as is). */
function eventBody(type = 'base-image.updated'): string {
  return JSON.stringify({
    id: randomUUID(),
    type,
    occurredAt: new Date().toISOString(),
    data: {
      base: {
        name: 'docker.io/library/alpine:3.19',
        registry: 'dockerhub',
        repository: 'library/alpine',
        tag: '3.19',
        digest: NEW_DIGEST,
        previousDigest: OLD_DIGEST,
      },
      archive: [
        {
          registry: 'archive',
          repository: 'mirror/library/alpine',
          reference: 'archive.example.com/mirror/library/alpine:3.19',
        },
      ],
      dependents: [
        dependent('team/app', {
          commit: '9f2c1e7',
          url: 'https://jenkins.example.com/job/äpp/42/', // not ASCII: bytes, not characters, are signed
          pipelineId: '4711',
        }),
        dependent('team/api', {}, 'archive.example.com/mirror/library/alpine:3.19'),
        dependent('team/legacy', { commit: '1a2b3c4' }), // mapped to no GitLab project
      ],
    },
  });
}

/** The same body with one byte changed, inside the new base digest. */
function tampered(body: string): string {
  const at = body.indexOf(NEW_DIGEST) + 20;
  return `${body.slice(0, at)}c${body.slice(at + 1)}`;
}

/** `v1=<hex>` of a signature made with another secret: what a receiver mid-rotation also sees. */
function otherV1(body: string, timestamp: number): string {
  return signatureHeader(`${SECRET}-old`, body, timestamp).split(',')[1]!;
}

describe.each(['sh', 'bash'])('docs/recipes/verify-airlock-signature.sh under %s', (shell) => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'airlock-verify-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function verify(secret: string, header: string, body: string, ...tolerance: string[]) {
    const file = join(dir, `${randomUUID()}.json`);
    writeFileSync(file, body, 'utf8');
    const script = join(RECIPES, 'verify-airlock-signature.sh');
    const run = spawnSync(shell, [script, secret, header, file, ...tolerance], {
      encoding: 'utf8',
    });
    return { status: run.status, stderr: run.stderr };
  }

  it('accepts what Airlock signs', () => {
    const body = eventBody();
    expect(verify(SECRET, signatureHeader(SECRET, body), body)).toEqual({ status: 0, stderr: '' });
  });

  it('rejects the body with one byte changed', () => {
    const body = eventBody();
    const result = verify(SECRET, signatureHeader(SECRET, body), tampered(body));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no v1 signature matches/);
  });

  it('rejects a signature made with another secret', () => {
    const body = eventBody();
    const result = verify(SECRET, signatureHeader(`${SECRET}x`, body), body);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no v1 signature matches/);
  });

  it('rejects a timestamp outside the replay window, in the past and in the future', () => {
    const body = eventBody();
    for (const timestamp of [now() - 330, now() + 330, now() - 3600]) {
      const result = verify(SECRET, signatureHeader(SECRET, body, timestamp), body);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/outside the 300s replay window/);
    }
    expect(verify(SECRET, signatureHeader(SECRET, body, now() - 290), body).status).toBe(0);
  });

  it('takes a wider window as its fourth argument', () => {
    const body = eventBody();
    const header = signatureHeader(SECRET, body, now() - 600);
    expect(verify(SECRET, header, body, '900').status).toBe(0);
    expect(verify(SECRET, header, body, '300').status).toBe(1);
  });

  it('accepts several v1 values when one of them is right', () => {
    const body = eventBody();
    const t = now();
    const [timestamp, right] = signatureHeader(SECRET, body, t).split(',');
    const wrong = otherV1(body, t);
    expect(verify(SECRET, `${timestamp},${wrong},${right}`, body).status).toBe(0);
    expect(verify(SECRET, `${timestamp},${right},${wrong},v2=abc`, body).status).toBe(0);
    expect(verify(SECRET, `${timestamp},${wrong},${wrong}`, body).status).toBe(1);
  });

  it('rejects a malformed header', () => {
    const body = eventBody();
    const [timestamp, v1] = signatureHeader(SECRET, body).split(',');
    for (const header of ['', v1!, timestamp!, `t=0${timestamp!.slice(2)},${v1}`, 't=*,v1=*']) {
      const result = verify(SECRET, header, body);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/malformed header/);
    }
  });
});

interface TriggerCall {
  path: string;
  form: Record<string, string>;
}

describe('docs/recipes/airlock-gitlab-relay.mjs', () => {
  const calls: TriggerCall[] = [];
  /** Projects (as in the path) the fake GitLab answers 500 for, once each. */
  const failOnce = new Set<string>();
  let gitlab: Server;
  let relay: ChildProcessWithoutNullStreams;
  let relayUrl: string;
  let relayOutput = '';

  beforeAll(async () => {
    gitlab = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => {
        const path = req.url ?? '';
        const project = /^\/api\/v4\/projects\/([^/]+)\/trigger\/pipeline$/.exec(path)?.[1];
        if (req.method !== 'POST' || !project) return void res.writeHead(404).end();
        if (failOnce.delete(project)) return void res.writeHead(500).end();
        calls.push({ path, form: Object.fromEntries(new URLSearchParams(raw)) });
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ id: calls.length, web_url: `https://gitlab.test/p/${calls.length}` }),
        );
      });
    });
    gitlab.listen(0, '127.0.0.1');
    await once(gitlab, 'listening');
    const gitlabUrl = `http://127.0.0.1:${(gitlab.address() as AddressInfo).port}`;

    relay = spawn(process.execPath, [join(RECIPES, 'airlock-gitlab-relay.mjs')], {
      env: {
        PATH: process.env.PATH,
        WEBHOOK_SECRET: SECRET,
        GITLAB_URL: gitlabUrl,
        GITLAB_PROJECTS: JSON.stringify({
          'team/app': { project: '42', ref: 'main', token: 'glptt-app' },
          'team/api': { project: 'platform/api', ref: 'release', token: 'glptt-api' },
        }),
        PORT: '0',
        HOST: '127.0.0.1',
      },
    });
    relay.stderr.on('data', (chunk: Buffer) => (relayOutput += chunk.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      relay.stdout.on('data', (chunk: Buffer) => {
        relayOutput += chunk.toString();
        const listening = /listening on port (\d+)/.exec(relayOutput);
        if (listening) resolve(listening[1]!);
      });
      relay.once('exit', (code) => reject(new Error(`relay exited ${code}:\n${relayOutput}`)));
    });
    relayUrl = `http://127.0.0.1:${port}/hooks/airlock`;
  });

  afterAll(async () => {
    if (relay && relay.exitCode === null) {
      relay.kill();
      await once(relay, 'exit');
    }
    gitlab?.close();
  });

  beforeEach(() => {
    calls.length = 0;
    failOnce.clear();
  });

  async function deliver(body: string, signature: string): Promise<number> {
    const response = await fetch(relayUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Airlock-Webhook/1',
        'airlock-event': (JSON.parse(body) as { type: string }).type,
        'airlock-delivery': randomUUID(),
        'airlock-signature': signature,
      },
      body,
    });
    return response.status;
  }

  it('triggers one pipeline per mapped dependent, with the base digest as a variable', async () => {
    const body = eventBody();
    const event = JSON.parse(body) as {
      id: string;
      data: { dependents: Array<{ digest: string }> };
    };
    const [app, api] = event.data.dependents;

    expect(await deliver(body, signatureHeader(SECRET, body))).toBe(204);

    expect(calls.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      {
        path: '/api/v4/projects/42/trigger/pipeline',
        form: {
          token: 'glptt-app',
          ref: 'main',
          'variables[AIRLOCK_EVENT_ID]': event.id,
          'variables[AIRLOCK_BASE_NAME]': 'docker.io/library/alpine:3.19',
          'variables[AIRLOCK_BASE_DIGEST]': NEW_DIGEST,
          'variables[AIRLOCK_REPOSITORY]': 'team/app',
          'variables[AIRLOCK_IMAGE_DIGEST]': app!.digest,
          'variables[AIRLOCK_STAGES]': 'ci,prod',
          'variables[AIRLOCK_BUILD_COMMIT]': '9f2c1e7',
        },
      },
      {
        path: '/api/v4/projects/platform%2Fapi/trigger/pipeline',
        form: {
          token: 'glptt-api',
          ref: 'release',
          'variables[AIRLOCK_EVENT_ID]': event.id,
          'variables[AIRLOCK_BASE_NAME]': 'archive.example.com/mirror/library/alpine:3.19',
          'variables[AIRLOCK_BASE_DIGEST]': NEW_DIGEST,
          'variables[AIRLOCK_REPOSITORY]': 'team/api',
          'variables[AIRLOCK_IMAGE_DIGEST]': api!.digest,
          'variables[AIRLOCK_STAGES]': 'ci,prod',
          'variables[AIRLOCK_BUILD_COMMIT]': '',
        },
      },
    ]);
  });

  it('answers 401 and triggers nothing when one byte of the body changed', async () => {
    const body = eventBody();
    expect(await deliver(tampered(body), signatureHeader(SECRET, body))).toBe(401);
    expect(calls).toEqual([]);
  });

  it('answers 401 and triggers nothing for a signature made with another secret', async () => {
    const body = eventBody();
    expect(await deliver(body, signatureHeader(`${SECRET}x`, body))).toBe(401);
    expect(calls).toEqual([]);
  });

  it('answers 401 and triggers nothing outside the replay window', async () => {
    const body = eventBody();
    expect(await deliver(body, signatureHeader(SECRET, body, now() - 330))).toBe(401);
    expect(await deliver(body, signatureHeader(SECRET, body, now() + 330))).toBe(401);
    expect(await deliver(body, 'garbage')).toBe(401);
    expect(calls).toEqual([]);
  });

  it('accepts several v1 values when one of them is right', async () => {
    const body = eventBody();
    const t = now();
    const [timestamp, right] = signatureHeader(SECRET, body, t).split(',');
    expect(await deliver(body, `${timestamp},${otherV1(body, t)},${right}`)).toBe(204);
    expect(calls).toHaveLength(2);
  });

  it('triggers each dependent once when Airlock delivers the event again', async () => {
    const body = eventBody();
    expect(await deliver(body, signatureHeader(SECRET, body))).toBe(204);
    expect(await deliver(body, signatureHeader(SECRET, body))).toBe(204);
    expect(calls).toHaveLength(2);
  });

  it('answers 502 when GitLab fails, and the retry triggers only what failed', async () => {
    const body = eventBody();
    failOnce.add('platform%2Fapi');
    expect(await deliver(body, signatureHeader(SECRET, body))).toBe(502);
    expect(calls.map((call) => call.path)).toEqual(['/api/v4/projects/42/trigger/pipeline']);

    expect(await deliver(body, signatureHeader(SECRET, body))).toBe(204);
    expect(calls.map((call) => call.path)).toEqual([
      '/api/v4/projects/42/trigger/pipeline',
      '/api/v4/projects/platform%2Fapi/trigger/pipeline',
    ]);
  });

  it('ignores other event types it is sent', async () => {
    const body = eventBody('image.registered');
    expect(await deliver(body, signatureHeader(SECRET, body))).toBe(204);
    expect(calls).toEqual([]);
  });
});
