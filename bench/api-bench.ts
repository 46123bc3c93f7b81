// npm run bench:api — the HTTP API under load, against a ledger of realistic size.
//
// Creates its own database (dropped at start and at the end) and Redis key prefix, seeds
// 100,000 images and 1,000,000 gate results with SQL, starts the built API as a child process
// (NODE_ENV=production) and drives it with wrk: gate recording, readiness, image lists. Prints
// requests/s, p50 and p99 per case (medians over BENCH_RUNS runs) against the goals, and exits
// non-zero when a request failed or a goal is missed.
//
// Knobs: BENCH_RUNS (default 3) runs per case, BENCH_DURATION_S (default 10) seconds per run,
// BENCH_CONNECTIONS (default 32), BENCH_API_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
// to profile the API process, BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
// for the server the bench database is created on, BENCH_REDIS_URL. BENCH_KEEP_DATABASE=1 keeps
// the seeded database after the run and reuses it next time, BENCH_ONLY=<text> runs only the cases
// whose name contains it (both for profiling iterations only), BENCH_API_LOG_LEVEL sets the API's
// AIRLOCK_LOG_LEVEL (default: the API's own, info, which logs an access line per request).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { median } from './support';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
/** Throughput (gate recording) saturates the API; the latency cases load it the way clients do. */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LATENCY_CONNECTIONS = Number(process.env.BENCH_LATENCY_CONNECTIONS ?? 8);
const WRK_THREADS = 2;
const WARMUP_S = 3;
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ONLY = process.env.BENCH_ONLY;
const KEEP_DATABASE = process.env.BENCH_KEEP_DATABASE === '1';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE = 'airlock_bench_api';
const REDIS_PREFIX = `airlock-bench-api-${process.pid}`;
/**
 * The API entry as this script's own tsc step built it (dist-bench/apps/api/src/main.js: the same
 * compile as `npm run build`'s dist/), so the bench measures the current source and a concurrent
 * `npm run build` (which empties dist/) cannot pull the API away mid-run. BENCH_API_ENTRY overrides.
 */
const API_ENTRY = process.env.BENCH_API_ENTRY ?? resolve(__dirname, '../apps/api/src/main.js');

const IMAGES = 100_000;
const RESULTS_PER_IMAGE = 10;
const REPOSITORIES = 500;
/** Six gates; the first four get two results per image (a retry), the newest one counts. */
const GATES = ['unit-tests', 'integration', 'trivy', 'sast', 'license', 'e2e'];
const REQUIRED_GATES = ['unit-tests', 'trivy', 'sast'];
/** Digests the wrk scripts spread their requests over. */
const TARGET_DIGESTS = 5_000;

interface Goal {
  label: string;
  met: (r: CaseResult) => boolean;
}

interface Case {
  name: string;
  script: string;
  goal: Goal;
  connections: number;
}

interface WrkSummary {
  requests: number;
  durationUs: number;
  p50Us: number;
  p99Us: number;
  non2xx: number;
  socketErrors: number;
  /** API process CPU per request, µs; NaN when unknown. */
  cpuUsPerRequest: number;
}

interface CaseResult {
  name: string;
  connections: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  runs: WrkSummary[];
}

const databaseUrl = (name: string) => {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
};

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Whether a kept database holds a finished seed (the API's migrations create it otherwise). */
async function seededDatabaseExists(): Promise<boolean> {
  const exists = await withClient(SERVER_URL, async (c) => {
    const { rowCount } = await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [DATABASE]);
    return rowCount === 1;
  });
  if (!exists) return false;
  return withClient(databaseUrl(DATABASE), async (c) => {
    const { rows } = await c.query<{ seeded: boolean }>(
      `SELECT to_regclass('images') IS NOT NULL AND EXISTS (SELECT 1 FROM stages WHERE name = 'prod') AS seeded`,
    );
    return rows[0]!.seeded;
  }).catch(() => false);
}

async function recreateDatabase(): Promise<void> {
  await withClient(SERVER_URL, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${DATABASE}`);
  });
}

async function dropDatabase(): Promise<void> {
  await withClient(SERVER_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
}

async function dropRedisKeys(): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: `${REDIS_PREFIX}:*`, count: 1000 })) {
      if ((keys as string[]).length) await redis.del(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * The built API as a child process. Its output goes to a file, as a service's log would, not
 * through a pipe into this process: reading an access line per request here would take CPU from
 * the API on the same two cores. The file's tail is quoted when the API fails.
 */
class ApiProcess {
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    private readonly logFile: string,
  ) {
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
  }

  static async start(adminToken: string, dir: string): Promise<ApiProcess> {
    const logFile = join(dir, 'api.log');
    const log = openSync(logFile, 'a');
    const port = await freePort();
    const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, API_ENTRY], {
      env: {
        PATH: process.env.PATH,
        ...(process.env.NODE_PATH ? { NODE_PATH: process.env.NODE_PATH } : {}),
        NODE_ENV: 'production',
        AIRLOCK_HTTP_PORT: String(port),
        AIRLOCK_DATABASE_URL: databaseUrl(DATABASE),
        AIRLOCK_REDIS_URL: REDIS_URL,
        AIRLOCK_REDIS_PREFIX: REDIS_PREFIX,
        AIRLOCK_ADMIN_TOKEN: adminToken,
        // One ci token drives the whole load: the per-token write limit would measure itself.
        AIRLOCK_RATE_LIMIT_PER_SECOND: '0',
        ...(process.env.BENCH_API_LOG_LEVEL
          ? { AIRLOCK_LOG_LEVEL: process.env.BENCH_API_LOG_LEVEL }
          : {}),
      },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    const api = new ApiProcess(child, `http://127.0.0.1:${port}`, logFile);
    await api.waitReady();
    return api;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) break;
      const ok = await fetch(`${this.baseUrl}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`API did not become ready:\n${this.outputTail()}`);
  }

  /** The last 20,000 characters the API wrote. */
  outputTail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').slice(-20_000);
    } catch {
      return '';
    }
  }

  /**
   * CPU time the API process has used so far, in ms (Linux /proc; null elsewhere). Per request it
   * is the number to watch on a shared machine, where requests/s also measures the neighbours.
   */
  cpuMs(): number | null {
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return null;
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A JSON call to the API that must answer 2xx. */
async function call<T>(
  api: ApiProcess,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** The CI token the load runs with; a new one per run, so a kept database works too. */
async function createCiToken(api: ApiProcess, admin: string): Promise<string> {
  const created = await call<{ token: string }>(api, admin, 'POST', '/api/v1/tokens', {
    name: `bench-ci-${process.pid}`,
    role: 'ci',
  });
  return created.token;
}

/** Registries, stages and the prod policy through the API, as an admin would set them up. */
async function configure(api: ApiProcess, admin: string): Promise<void> {
  for (const [name, role] of [
    ['ci-registry', 'ci'],
    ['prod-registry', 'prod'],
  ]) {
    await call(api, admin, 'POST', '/api/v1/registries', {
      name,
      url: `https://${name}.example.com`,
      role,
    });
  }
  await call(api, admin, 'POST', '/api/v1/stages', {
    name: 'ci',
    position: 1,
    registries: ['ci-registry'],
  });
  await call(api, admin, 'POST', '/api/v1/stages', {
    name: 'prod',
    position: 2,
    registries: ['prod-registry'],
  });
  await call(api, admin, 'PUT', '/api/v1/stages/prod/policy', {
    allowedSourceStages: ['ci'],
    requiredGates: REQUIRED_GATES,
  });
}

/**
 * 100k images in 500 repositories, one location each, created a minute apart; 10 gate results
 * per image over six gates, older ones failed for a tenth of the images so "newest wins" matters.
 * Rows go in digest order, which keeps the digest indexes' inserts sequential.
 */
async function seed(): Promise<void> {
  await withClient(databaseUrl(DATABASE), async (c) => {
    const { rows } = await c.query<{ id: string }>(
      `SELECT id FROM api_tokens WHERE name LIKE 'bench-ci-%' ORDER BY created_at LIMIT 1`,
    );
    const tokenId = rows[0]!.id;
    await c.query(
      `INSERT INTO images (repository, digest, media_type, size, platforms, annotations, build, registered_by, created_at)
       SELECT 'bench/app-' || (i % ${REPOSITORIES}),
              'sha256:' || encode(sha256(i::text::bytea), 'hex'),
              'application/vnd.oci.image.index.v1+json',
              50000000 + i,
              '[{"os":"linux","architecture":"amd64"},{"os":"linux","architecture":"arm64"}]',
              '{"org.opencontainers.image.source":"https://git.example.com/app"}',
              jsonb_build_object('commit', md5(i::text), 'pipeline', i),
              $1,
              now() - (${IMAGES} - i) * interval '1 minute'
         FROM generate_series(1, ${IMAGES}) AS i`,
      [tokenId],
    );
    // What each registration notes for four-eyes (ImagesService.register → GatesService).
    await c.query(
      `INSERT INTO digest_principals (digest, principal_id, role)
       SELECT DISTINCT digest, registered_by, 'registered' FROM images`,
    );
    await c.query(
      `INSERT INTO image_locations (image_id, registry_id, repository, first_seen_at, last_seen_at)
       SELECT i.id, r.id, i.repository, i.created_at, i.created_at
         FROM images i, registries r WHERE r.name = 'ci-registry'`,
    );
    const gates = `ARRAY[${GATES.map((g) => `'${g}'`).join(',')}]`;
    await c.query(
      `INSERT INTO gate_results (digest, gate, status, url, details, recorded_by, recorded_by_name, created_at)
       SELECT 'sha256:' || encode(sha256(i::text::bytea), 'hex'),
              (${gates})[1 + j % ${GATES.length}],
              CASE WHEN j < ${GATES.length} AND i % 10 = 0 THEN 'failed' ELSE 'passed' END,
              'https://ci.example.com/job/' || i || '/' || j,
              jsonb_build_object('passed', 800 + j, 'failed', 0),
              $1, 'bench-ci',
              now() - (${IMAGES} - i) * interval '1 minute' + j * interval '1 second'
         FROM generate_series(1, ${IMAGES}) AS i, generate_series(0, ${RESULTS_PER_IMAGE - 1}) AS j
        ORDER BY 'sha256:' || encode(sha256(i::text::bytea), 'hex'), j`,
      [tokenId],
    );
    // A database as it is after a while in service, not straight after a bulk load: visibility
    // map and hint bits set (else the first reads of every page write it), statistics current,
    // and the seed's dirty pages and WAL flushed (else the first case pays the seed's checkpoint).
    await c.query('VACUUM (ANALYZE)');
    await c.query('CHECKPOINT').catch((error: Error) => {
      console.warn(
        `  CHECKPOINT refused (${error.message}): the first case may pay for the seed's writes`,
      );
    });
  });
}

/** Digests that exist, spread over the whole id range, and a cursor into the middle of the list. */
async function targets(): Promise<{ digests: string[]; repositories: string[]; cursor: string }> {
  return withClient(databaseUrl(DATABASE), async (c) => {
    const digests = await c.query<{ digest: string }>(
      `SELECT 'sha256:' || encode(sha256(i::text::bytea), 'hex') AS digest
         FROM generate_series(1, ${IMAGES}, ${IMAGES / TARGET_DIGESTS}) AS i`,
    );
    const middle = await c.query<{ key: string; id: string }>(
      `SELECT created_at::text AS key, id FROM images ORDER BY created_at DESC, id DESC OFFSET ${IMAGES / 2} LIMIT 1`,
    );
    const cursor = Buffer.from(JSON.stringify([middle.rows[0]!.key, middle.rows[0]!.id])).toString(
      'base64url',
    );
    const repositories = Array.from({ length: 50 }, (_, k) => `bench/app-${k * 10}`);
    return { digests: digests.rows.map((r) => r.digest), repositories, cursor };
  });
}

async function configureAndSeed(api: ApiProcess, admin: string): Promise<void> {
  await configure(api, admin);
  const started = Date.now();
  console.log(
    `seeding ${IMAGES.toLocaleString('en-US')} images and ${(IMAGES * RESULTS_PER_IMAGE).toLocaleString('en-US')} gate results …`,
  );
  await seed();
  console.log(
    `  seeded, vacuumed and checkpointed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

const luaList = (xs: string[]) => `{${xs.map((x) => JSON.stringify(x)).join(',')}}`;

/**
 * A wrk script: each request picks one of `paths` at random (seeded per thread), and done()
 * prints the numbers as one JSON line, so nothing depends on wrk's text layout.
 */
function luaScript(options: { method: string; token: string; paths: string[]; body?: string }) {
  return `
local paths = ${luaList(options.paths)}
local n = #paths
local headers = { ["Authorization"] = "Bearer ${options.token}", ["Content-Type"] = "application/json" }
local body = ${options.body === undefined ? 'nil' : JSON.stringify(options.body)}
local counter = 0
function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end
function request()
  counter = counter + 1
  return wrk.format("${options.method}", paths[math.random(n)], headers, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH_JSON {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"non2xx":%d,"socketErrors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
`;
}

/** One wrk run, with the API process's CPU time over it. */
async function runWrk(
  api: ApiProcess,
  script: string,
  seconds: number,
  connections: number,
): Promise<WrkSummary> {
  const cpuBefore = api.cpuMs();
  const result = await runProcess('wrk', [
    `-t${WRK_THREADS}`,
    `-c${connections}`,
    `-d${seconds}s`,
    '--latency',
    '--timeout',
    '5s',
    '-s',
    script,
    api.baseUrl,
  ]);
  if (result.status !== 0) throw new Error(`wrk failed: ${result.stderr || result.stdout}`);
  const line = /BENCH_JSON (.*)/.exec(result.stdout)?.[1];
  if (!line) throw new Error(`wrk printed no summary:\n${result.stdout}`);
  const summary = JSON.parse(line) as WrkSummary;
  // wrk's own count also includes 3xx, which the API never answers with here.
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(result.stdout)?.[1] ?? 0);
  summary.non2xx = Math.max(summary.non2xx, non2xx);
  const cpuAfter = api.cpuMs();
  summary.cpuUsPerRequest =
    cpuBefore === null || cpuAfter === null
      ? NaN
      : ((cpuAfter - cpuBefore) * 1000) / summary.requests;
  if (process.env.BENCH_VERBOSE) console.log(result.stdout);
  return summary;
}

async function runCase(api: ApiProcess, c: Case): Promise<CaseResult> {
  await runWrk(api, c.script, WARMUP_S, c.connections);
  const runs: WrkSummary[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await runWrk(api, c.script, DURATION_S, c.connections);
    if (run.non2xx > 0 || run.socketErrors > 0) {
      throw new Error(
        `${c.name}: ${run.non2xx} non-2xx responses and ${run.socketErrors} socket errors out of ${run.requests} requests`,
      );
    }
    runs.push(run);
  }
  const result = {
    name: c.name,
    connections: c.connections,
    rps: median(runs.map((r) => r.requests / (r.durationUs / 1e6))),
    p50Ms: median(runs.map((r) => r.p50Us / 1000)),
    p99Ms: median(runs.map((r) => r.p99Us / 1000)),
    cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest)),
    runs,
  };
  console.log(
    `  ${c.name}: ${runs.map((r) => `${Math.round(r.requests / (r.durationUs / 1e6))} req/s p99 ${(r.p99Us / 1000).toFixed(1)} ms`).join(' | ')}`,
  );
  return result;
}

function cases(
  dir: string,
  ci: string,
  t: { digests: string[]; repositories: string[]; cursor: string },
): Case[] {
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const recording: Goal = { label: '≥ 1,500 req/s', met: (r) => r.rps >= 1500 };
  const readiness: Goal = { label: 'p99 ≤ 20 ms', met: (r) => r.p99Ms <= 20 };
  const list: Goal = { label: 'p99 ≤ 50 ms', met: (r) => r.p99Ms <= 50 };
  const body = JSON.stringify({
    gate: 'trivy',
    status: 'passed',
    url: 'https://ci.example.com/job/bench/1',
    details: { critical: 0, high: 2 },
  });
  return [
    {
      name: 'POST gate result',
      goal: recording,
      connections: CONNECTIONS,
      script: write(
        'record.lua',
        luaScript({
          method: 'POST',
          token: ci,
          body,
          paths: t.digests.map((d) => `/api/v1/gates/${d}/results`),
        }),
      ),
    },
    {
      name: 'GET readiness (prod)',
      connections: LATENCY_CONNECTIONS,
      goal: readiness,
      script: write(
        'readiness.lua',
        luaScript({
          method: 'GET',
          token: ci,
          paths: t.digests.map((d) => `/api/v1/gates/${d}/readiness?stage=prod&source=ci`),
        }),
      ),
    },
    {
      name: 'GET images?limit=50',
      connections: LATENCY_CONNECTIONS,
      goal: list,
      script: write(
        'images.lua',
        luaScript({ method: 'GET', token: ci, paths: ['/api/v1/images?limit=50'] }),
      ),
    },
    {
      name: 'GET images?repository=…',
      connections: LATENCY_CONNECTIONS,
      goal: list,
      script: write(
        'images-repository.lua',
        luaScript({
          method: 'GET',
          token: ci,
          paths: t.repositories.map((r) => `/api/v1/images?limit=50&repository=${r}`),
        }),
      ),
    },
    {
      name: 'GET images?cursor=(middle)',
      connections: LATENCY_CONNECTIONS,
      goal: list,
      script: write(
        'images-cursor.lua',
        luaScript({
          method: 'GET',
          token: ci,
          paths: [`/api/v1/images?limit=50&cursor=${t.cursor}`],
        }),
      ),
    },
  ];
}

/** Runs a command to its end without blocking the event loop; answers its exit status and output. */
function runProcess(
  command: string,
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', fail);
    child.once('close', (status) => done({ status, stdout, stderr }));
  });
}

/** One request of each kind by hand first: a wrong URL or body should fail here, not as 100% non-2xx. */
async function smokeTest(api: ApiProcess, ci: string, digest: string): Promise<void> {
  const readiness = await call<{ ready: boolean; satisfied: string[] }>(
    api,
    ci,
    'GET',
    `/api/v1/gates/${digest}/readiness?stage=prod&source=ci`,
  );
  // The seeded ledger passes every required gate of the first target digest.
  if (!readiness.ready || readiness.satisfied.length !== REQUIRED_GATES.length)
    throw new Error(`readiness of ${digest}: ${JSON.stringify(readiness)}`);
  await call(api, ci, 'POST', `/api/v1/gates/${digest}/results`, {
    gate: 'trivy',
    status: 'passed',
  });
  const page = await call<{ items: unknown[] }>(api, ci, 'GET', '/api/v1/images?limit=50');
  if (page.items.length !== 50) throw new Error(`image list answered ${page.items.length} items`);
}

function printTable(results: Array<CaseResult & { goal: Goal }>): boolean {
  const header = ['case', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'API CPU/req', 'goal', ''];
  const rows = results.map((r) => [
    r.name,
    String(r.connections),
    Math.round(r.rps).toLocaleString('en-US'),
    r.p50Ms.toFixed(2),
    r.p99Ms.toFixed(2),
    Number.isNaN(r.cpuUsPerRequest) ? '?' : `${Math.round(r.cpuUsPerRequest)} µs`,
    r.goal.label,
    r.goal.met(r) ? '✓' : '✗',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  return results.every((r) => r.goal.met(r));
}

async function main(): Promise<void> {
  if (spawnSync('wrk', ['-v']).error) throw new Error('wrk is not installed');
  if (!existsSync(API_ENTRY)) throw new Error(`${API_ENTRY} is missing: build it first`);
  const adminToken = `alk_${randomBytes(32).toString('base64url')}`;
  const dir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  let api: ApiProcess | undefined;
  try {
    const reuse = KEEP_DATABASE && (await seededDatabaseExists());
    if (!reuse) await recreateDatabase();
    api = await ApiProcess.start(adminToken, dir);
    const ci = await createCiToken(api, adminToken);
    if (reuse) console.log(`reusing the seeded database ${DATABASE} (BENCH_KEEP_DATABASE=1)`);
    else await configureAndSeed(api, adminToken);
    const t = await targets();
    await smokeTest(api, ci, t.digests[0]!);
    console.log(
      `wrk -t${WRK_THREADS}, ${RUNS} × ${DURATION_S} s per case after a ${WARMUP_S} s warm-up (medians):`,
    );
    const selected = cases(dir, ci, t).filter((c) => !ONLY || c.name.includes(ONLY));
    const results: Array<CaseResult & { goal: Goal }> = [];
    for (const c of selected) results.push({ ...(await runCase(api, c)), goal: c.goal });
    console.log('');
    const allMet = printTable(results);
    if (!allMet) process.exitCode = 1;
  } finally {
    await api?.stop();
    if (!KEEP_DATABASE)
      await dropDatabase().catch((e: Error) => console.error(`dropping ${DATABASE}: ${e.message}`));
    await dropRedisKeys().catch((e: Error) => console.error(`cleaning Redis: ${e.message}`));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
