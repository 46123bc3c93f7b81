// npm run bench:ui — the web UI's budgets, measured in Debian's Chromium (playwright-core):
// the JavaScript shipped for the first view (gzip), and the pipeline board rendering 200 images
// across 4 stages after sign-in, with the requests it makes.
//
// Starts its own registries (one per stage), a database (`airlock_bench_ui_<pid>`, dropped at the
// end), a Redis key prefix and the API as this script's tsc step built it, serving dist/web (the
// script builds it first). Seeds 50 images per stage over the API, each with a gate result, and
// a policy per stage so every card carries its readiness. Then, BENCH_RUNS times (default 5): a
// fresh browser context, sign in, and time from the click on "Sign in" to 200 image cards in the
// page. Prints every run, the median, and the goals; exits non-zero only when something failed.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildImage, freePort, ImagePusher, RegistryFixture } from '@airlock/testing';
import { chromium } from 'playwright-core';
import { dropRedisKeys, loadAverage, median, onServer } from './support';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PER_STAGE = 50;
const STAGES = ['dev', 'ci', 'staging', 'prod'];
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE = `airlock_bench_ui_${process.pid}`;
const REDIS_PREFIX = `airlock-bench-ui-${process.pid}`;
const ROOT = resolve(__dirname, '..', '..');
const API_ENTRY = resolve(__dirname, '../apps/api/src/main.js');
const WEB_DIR = join(ROOT, 'dist', 'web');

const cleanups: Array<() => Promise<unknown> | unknown> = [];

/** The JavaScript index.html loads before anything renders: its scripts and module preloads. */
function firstViewJs(): { files: string[]; gzip: number; raw: number } {
  const html = readFileSync(join(WEB_DIR, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<script[^>]*src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g),
  ].map((m) => m[1]!);
  let gzip = 0;
  let raw = 0;
  for (const file of files) {
    const bytes = readFileSync(join(WEB_DIR, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files, gzip, raw };
}

async function startApi(adminToken: string): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [API_ENTRY], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      AIRLOCK_DATABASE_URL: SERVER_URL.replace(/\/[^/]*$/, `/${DATABASE}`),
      AIRLOCK_REDIS_URL: REDIS_URL,
      AIRLOCK_REDIS_PREFIX: REDIS_PREFIX,
      AIRLOCK_HTTP_PORT: String(port),
      AIRLOCK_ADMIN_TOKEN: adminToken,
      AIRLOCK_LOG_LEVEL: 'warn',
      AIRLOCK_RATE_LIMIT_PER_SECOND: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  cleanups.push(() => child.kill('SIGTERM'));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the API exited:\n${output}`);
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { base, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the API did not answer:\n${output}`);
}

async function main(): Promise<void> {
  for (const [what, path] of [
    ['the API build', API_ENTRY],
    ['the web UI build (npm run build:web)', join(WEB_DIR, 'index.html')],
  ])
    if (!existsSync(path)) throw new Error(`${what} is missing: ${path}`);
  const js = firstViewJs();

  await onServer(SERVER_URL, `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await onServer(SERVER_URL, `CREATE DATABASE ${DATABASE}`);
  cleanups.push(() => onServer(SERVER_URL, `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
  cleanups.push(() => dropRedisKeys(REDIS_URL, REDIS_PREFIX));

  const admin = `alk_${randomBytes(32).toString('base64url')}`;
  const registries = await Promise.all(
    STAGES.map((s) => RegistryFixture.start({ auth: 'none', name: `ui-bench-${s}` })),
  );
  for (const r of registries) cleanups.push(() => r.stop());
  const { base } = await startApi(admin);
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<Record<string, unknown>>;
  };

  console.log(`seeding ${STAGES.length} stages × ${PER_STAGE} images …`);
  for (const [i, stage] of STAGES.entries()) {
    await call('POST', '/api/v1/registries', {
      name: `reg-${stage}`,
      url: registries[i]!.url,
      role: i === STAGES.length - 1 ? 'prod' : 'ci',
    });
    await call('POST', '/api/v1/stages', {
      name: stage,
      position: i + 1,
      registries: [`reg-${stage}`],
    });
  }
  for (const [i, stage] of STAGES.entries())
    if (i > 0)
      await call('PUT', `/api/v1/stages/${stage}/policy`, {
        allowedSourceStages: [STAGES[i - 1]],
        requiredGates: ['unit-tests', 'scan'],
        approvalsRequired: i === STAGES.length - 1 ? 1 : 0,
      });
  for (const [i, stage] of STAGES.entries()) {
    const pusher = new ImagePusher(registries[i]!);
    try {
      for (let n = 0; n < PER_STAGE; n++) {
        const repository = `team-${n % 10}/svc-${stage}-${n}`;
        const image = buildImage({ layers: [{ size: 512 + n }] });
        await pusher.push(repository, image, ['1.0']);
        await call('POST', '/api/v1/images', {
          registry: `reg-${stage}`,
          repository,
          tag: '1.0',
          build: { url: `https://ci.example/${stage}/${n}` },
        });
        await call('POST', `/api/v1/gates/${image.digest}/results`, {
          gate: 'unit-tests',
          status: n % 7 === 0 ? 'failed' : 'passed',
        });
      }
    } finally {
      pusher.close();
    }
  }

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  cleanups.unshift(() => browser.close());
  const times: number[] = [];
  let boardRequests = 0;
  let apiRequests = 0;
  for (let run = 0; run < RUNS + 1; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    let board = 0;
    let apiCalls = 0;
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path === '/api/v1/board') board += 1;
      if (path.startsWith('/api/')) apiCalls += 1;
    });
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('API token').fill(admin);
    const started = performance.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .locator('article')
      .nth(STAGES.length * PER_STAGE - 1)
      .waitFor({ timeout: 60_000 });
    const ms = performance.now() - started;
    // The first run warms the API and the browser's cache of the bundle up; it is not counted.
    if (run > 0) {
      times.push(ms);
      boardRequests = Math.max(boardRequests, board);
      apiRequests = Math.max(apiRequests, apiCalls - 1); // less whoami
    }
    console.log(
      `  run ${run}${run === 0 ? ' (warm-up)' : ''}: ${ms.toFixed(0)} ms to ${STAGES.length * PER_STAGE} cards, ${board} board request(s), ${apiCalls} API request(s) in all`,
    );
    await context.close();
  }

  const ms = median(times);
  console.log(
    `\nweb UI benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${RUNS} runs, Chromium ${browser.version()}, load average ${loadAverage()}`,
  );
  console.log('| goal | measured | |');
  console.log('|---|---|---|');
  const row = (goal: string, measured: string, met: boolean) =>
    console.log(`| ${goal} | ${measured} | ${met ? '✓ met' : '✗ missed'} |`);
  row(
    'JavaScript for the first view ≤ 250 KB gzip',
    `${(js.gzip / 1000).toFixed(1)} KB gzip (${(js.raw / 1000).toFixed(0)} KB raw, ${js.files.join(', ')})`,
    js.gzip <= 250_000,
  );
  row(
    `board renders ${STAGES.length * PER_STAGE} images across ${STAGES.length} stages ≤ 1 s after sign-in`,
    `median ${ms.toFixed(0)} ms (runs ${times.map((t) => t.toFixed(0)).join(', ')})`,
    ms <= 1000,
  );
  row(
    'the board makes one request per stage or fewer',
    `${boardRequests} board request(s) for ${STAGES.length} stages (${apiRequests} API request(s) after whoami)`,
    boardRequests <= STAGES.length,
  );
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  });
