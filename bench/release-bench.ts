// npm run bench:release — the product path: Airlock (the built standalone process, API + worker,
// driven over REST) against skopeo, side by side in one run, alternating, every run into emptied
// targets (fresh registries on fresh ports, registered with Airlock as new Prod registries).
//
// Starts a CI registry (the source) and, per run, fresh Prod registries; a database of its own
// (created and dropped) and a Redis key prefix of its own; Airlock (dist-bench/apps/standalone,
// as `npm start` runs dist/); bootstraps an admin token, registers the registries, stages and the
// Prod policy, pushes the images, registers them and records the required gates. Then per case,
// per run: Airlock (promotion requests, each followed with GET until `succeeded`), skopeo one copy
// after another, and skopeo four at a time (`xargs -P4`). Prints medians, ratios, the blob bytes
// each target registry took against the unique bytes it lacked (counted by a proxy in front of
// it), CPU time, Airlock's peak RSS and the job pickup latency, next to the goals. Exits non-zero
// only when a promotion or a copy failed: a missed goal is a finding, not a failure. Every copier
// writes the image with the tag `bench` (skopeo to `…:bench`, Airlock's requests and release
// items with `tags: ["bench"]`, under the Prod policy's immutable tags), and each run is checked:
// every image by digest and its tag pointing at it, in every target registry.
//
// Knobs: BENCH_RUNS (default 3) runs per case; BENCH_BIG_MIB (default 1024) size of the big image
// (8 layers); BENCH_ONLY=<text> runs only the cases whose key or name contains it (keys: big,
// release, small, fanout, pickup); BENCH_PICKUP (default 200) promotions of the pickup case;
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL;
// BENCH_WARMUP (default 40) images promoted, as requests and as a release, before any measured
// run (0: none); BENCH_ALL_IMAGES=1 pushes and registers every case's images even when BENCH_ONLY picks fewer
// cases (the state of a full run); BENCH_AIRLOCK_ENTRY (default: this build's standalone entry); BENCH_AIRLOCK_NODE_ARGS (e.g.
// "--cpu-prof --cpu-prof-dir=/tmp/p"); BENCH_AIRLOCK_LOG_LEVEL; BENCH_AIRLOCK_LOG_COPY=<file> keeps Airlock's output
// (with --trace-gc in the node args, V8's too); BENCH_AIRLOCK_ENV="K=V K2=V2"
// (extra AIRLOCK_* settings, e.g. AIRLOCK_WORKER_CONCURRENCY=8); BENCH_TIMELINE=1 prints, for the
// Airlock variants, when each promotion was accepted, started and finished (a release: its items).
import { dropRedisKeys, loadAverage, median, onServer, startNodeFlags } from './support';
import {
  buildBigImage,
  buildImage,
  createLayer,
  FaultProxy,
  freePort,
  ImagePusher,
  MediaTypes,
  RegistryFixture,
  spawnGuarded,
  stopChild,
  type TestImage,
} from '@airlock/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BIG_MIB = Number(process.env.BENCH_BIG_MIB ?? 1024);
const BIG_LAYERS = 8;
const ONLY = process.env.BENCH_ONLY;
const PICKUP_PROMOTIONS = Number(process.env.BENCH_PICKUP ?? 200);
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE = `airlock_bench_release_${process.pid}`;
const REDIS_PREFIX = `airlock-bench-release-${process.pid}`;
const ENTRY =
  process.env.BENCH_AIRLOCK_ENTRY ?? resolve(__dirname, '../apps/standalone/src/main.js');
const EXTRA_ENV = Object.fromEntries(
  (process.env.BENCH_AIRLOCK_ENV ?? '')
    .split(' ')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);
/** How `npm start` runs node (e.g. the heap floor, docs/operations.md), then the bench's own. */
const NODE_ARGS = [
  ...startNodeFlags(resolve(__dirname, '../../package.json')),
  ...(process.env.BENCH_AIRLOCK_NODE_ARGS ?? '').split(' ').filter(Boolean),
];
/** Images promoted (as requests, then as a release) before any measured run: BENCH_WARMUP. */
const WARMUP_IMAGES = Number(process.env.BENCH_WARMUP ?? 40);
const WORKER_CONCURRENCY = Number(EXTRA_ENV.AIRLOCK_WORKER_CONCURRENCY ?? 4);
/** skopeo's parallel variant: `xargs -P4`. Airlock's requests go out as many at a time. */
const PARALLEL = 4;
/** `?wait=` of the follow-up GETs, seconds: each answers when its promotion or release ended. */
const WAIT_S = 60;
const MIB = 1 << 20;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;
/** The tag every copier writes with the image, as a release's items come with theirs. */
const TAG = 'bench';

// ---------------------------------------------------------------------------------------------
// Everything started is stopped by PID at the end, on failure and on SIGINT/SIGTERM.

/** skopeo runs (under /usr/bin/time) in a process group of its own: killed as one, by its id. */
const skopeoGroups = new Set<number>();
function killSkopeo(): void {
  for (const pgid of skopeoGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
let interrupted = false;

const cleanups: Array<() => Promise<unknown>> = [];
let cleaning: Promise<void> | undefined;
function onCleanup(fn: () => Promise<unknown>): void {
  cleanups.push(fn);
}
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    killSkopeo();
    for (const fn of cleanups.reverse()) {
      await fn().catch((e: Error) => console.error(`cleanup: ${e.message}`));
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping everything this bench started …`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
// Airlock: the built standalone entry, configured by environment, logging to a file.

class Airlock {
  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    private readonly logFile: string,
  ) {}

  static async start(adminToken: string, dir: string): Promise<Airlock> {
    const logFile = join(dir, 'airlock.log');
    const log = openSync(logFile, 'a');
    const port = await freePort();
    const child = spawnGuarded(process.execPath, [...NODE_ARGS, ENTRY], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        AIRLOCK_HTTP_PORT: String(port),
        AIRLOCK_DATABASE_URL: databaseUrl(DATABASE),
        AIRLOCK_REDIS_URL: REDIS_URL,
        AIRLOCK_REDIS_PREFIX: REDIS_PREFIX,
        AIRLOCK_ADMIN_TOKEN: adminToken,
        // One CI token drives the whole release: the per-token write limit would measure itself.
        AIRLOCK_RATE_LIMIT_PER_SECOND: '0',
        ...(process.env.BENCH_AIRLOCK_LOG_LEVEL
          ? { AIRLOCK_LOG_LEVEL: process.env.BENCH_AIRLOCK_LOG_LEVEL }
          : {}),
        ...EXTRA_ENV,
      },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    const airlock = new Airlock(child, `http://127.0.0.1:${port}`, logFile);
    onCleanup(() => airlock.stop());
    await airlock.waitReady();
    return airlock;
  }

  get pid(): number {
    return this.child.pid!;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) break;
      const ready = await fetch(`${this.baseUrl}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      await sleep(200);
    }
    throw new Error(`Airlock did not become ready:\n${this.outputTail()}`);
  }

  outputTail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').slice(-8_000);
    } catch {
      return '';
    }
  }

  copyLog(to: string): void {
    copyFileSync(this.logFile, to);
  }

  /** utime + stime of the process so far, ms (/proc/<pid>/stat fields 14 and 15, 100 ticks/s). */
  cpuMs(): number {
    return processCpuMs(this.pid);
  }

  /** VmHWM: the peak resident set since start or the last resetPeak(). */
  peakRssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
  }

  /** Writing 5 to clear_refs resets VmHWM to the current RSS (proc(5)). */
  resetPeak(): void {
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
    } catch {
      /* not allowed here: the peak then covers the process's whole life */
    }
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 30_000);
  }
}

let api: Airlock;
let adminToken: string;
let ciToken: string;

async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  token = ciToken,
): Promise<T> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}
const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  call<T>(method, path, body, adminToken);

// ---------------------------------------------------------------------------------------------
// Database and Redis of its own.

function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

// ---------------------------------------------------------------------------------------------
// Images and targets.

interface Blob {
  digest: string;
  size: number;
}
interface Service {
  repository: string;
  digest: string;
  /** Config and layers: what a copy into an empty registry must bring. */
  blobs: Blob[];
}

/** Size of every blob the bench pushed, by digest: what a committed upload of it streamed. */
const blobSizes = new Map<string, number>();

function serviceOf(repository: string, image: TestImage): Service {
  for (const b of image.blobs) blobSizes.set(b.digest, b.size);
  return { repository, digest: image.digest, blobs: image.blobs };
}

interface Target {
  registry: RegistryFixture;
  /** In front of the registry when its uploads are counted. */
  proxy?: FaultProxy;
  /** What the copiers are pointed at. */
  host: string;
  url: string;
}

async function startTargets(count: number, counted: boolean): Promise<Target[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const registry = await RegistryFixture.start({ name: `bench-prod-${i}` });
      const proxy = counted ? await FaultProxy.start({ target: registry.url }) : undefined;
      return {
        registry,
        proxy,
        host: proxy?.host ?? registry.host,
        url: proxy?.url ?? registry.url,
      };
    }),
  );
}

async function stopTargets(targets: Target[]): Promise<void> {
  await Promise.all(targets.map((t) => t.proxy?.stop()));
  await Promise.all(targets.map((t) => t.registry.stop()));
}

/**
 * Blob bytes the registry took (each committed upload — the 201 to a PUT or POST naming
 * `digest=` — counts its blob's size; a mount streams nothing) and the unique bytes it lacked.
 */
function accounting(
  target: Target,
  services: Service[],
): { streamed: number; lacked: number; requests: Map<string, number> } {
  let streamed = 0;
  const requests = new Map<string, number>();
  for (const r of target.proxy?.requests ?? []) {
    const kind = `${r.method} ${requestKind(r.path)} ${r.status}`;
    requests.set(kind, (requests.get(kind) ?? 0) + 1);
    if ((r.method !== 'PUT' && r.method !== 'POST') || r.status !== 201) continue;
    if (!r.path.includes('/blobs/uploads/')) continue;
    const digest = /[?&]digest=([^&]+)/.exec(r.path)?.[1];
    if (digest) streamed += blobSizes.get(decodeURIComponent(digest)) ?? 0;
  }
  const unique = new Map(services.flatMap((s) => s.blobs.map((b) => [b.digest, b.size])));
  const lacked = [...unique.values()].reduce((a, b) => a + b, 0);
  return { streamed, lacked, requests };
}

/** What a registry request was for, by its path: manifest, blob, upload, tags, referrers, … */
function requestKind(path: string): string {
  if (path === '/v2/' || path === '/v2') return 'ping';
  if (path.includes('/blobs/uploads/')) return 'upload';
  if (path.includes('/blobs/')) return 'blob';
  if (path.includes('/manifests/sha256-')) return 'referrer-tag';
  if (path.includes('/manifests/')) return 'manifest';
  if (path.includes('/tags/list')) return 'tags';
  if (path.includes('/referrers/')) return 'referrers';
  return 'other';
}

/** "HEAD blob 200 ×3.0, …" per image copy, the most frequent first. */
function requestsPerImage(requests: Map<string, number>, copies: number): string {
  const total = [...requests.values()].reduce((a, b) => a + b, 0);
  const kinds = [...requests.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ×${(n / copies).toFixed(1)}`);
  return `${(total / copies).toFixed(1)} target requests per image copy (${kinds.join(', ')})`;
}

/** Every service is in every target, by digest and by its tag: the run did what it says. */
async function verify(targets: Target[], services: Service[]): Promise<void> {
  for (const t of targets)
    for (const s of services)
      for (const reference of [s.digest, TAG]) {
        const r = await fetch(`${t.registry.url}/v2/${s.repository}/manifests/${reference}`, {
          method: 'HEAD',
          headers: { accept: `${MediaTypes.ociManifest}, ${MediaTypes.ociIndex}` },
        });
        const at = `${t.registry.host}/${s.repository}${reference === TAG ? ':' : '@'}${reference}`;
        if (r.status !== 200) throw new Error(`${at}: HTTP ${r.status}`);
        if (r.headers.get('docker-content-digest') !== s.digest)
          throw new Error(`${at} is ${r.headers.get('docker-content-digest')}, not ${s.digest}`);
      }
}

// ---------------------------------------------------------------------------------------------
// The copiers.

interface RunResult {
  ms: number;
  cpuMs: number;
  streamed: number;
  lacked: number;
  /** CPU of the registries (source and targets) during the run. */
  registryCpuMs: number;
  /** Of `registryCpuMs`, the source registry's. */
  sourceCpuMs: number;
  /** CPU of Postgres (every process of the cluster) and Redis during the run: shared services. */
  servicesCpuMs: number;
  /** Requests the target registries answered, by method, kind and status (counted cases). */
  requests: Map<string, number>;
  /** Airlock only: the peak RSS during the run. */
  rss?: number;
}

/** utime + stime of a process so far, ms (/proc/<pid>/stat fields 14 and 15, 100 ticks/s). */
function processCpuMs(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU the registries (the source and these targets) used while `fn` ran, ms. */
async function registryCpu<T>(
  targets: Target[],
  fn: () => Promise<T>,
): Promise<[T, number, number]> {
  const pids = [source.pid, ...targets.map((t) => t.registry.pid)];
  const before = pids.map(processCpuMs);
  const result = await fn();
  const used = pids.map((pid, i) => processCpuMs(pid) - before[i]!);
  return [result, used.reduce((a, b) => a + b, 0), used[0]!];
}

/**
 * CPU of Postgres and Redis so far, ms: every `postgres` and `redis-server` process's own, plus
 * what the exited children of each (backends that closed) left in its parent's cutime + cstime.
 */
function servicesCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited since the listing
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    if (comm !== 'postgres' && comm !== 'redis-server') continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total +=
      (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
  }
  return total;
}

/** `fn`'s result, and the CPU Postgres and Redis used while it ran, ms. */
async function servicesCpu<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const before = servicesCpuMs();
  const result = await fn();
  return [result, servicesCpuMs() - before];
}

let registrySeq = 0;

/** New Prod registries for Airlock: registered, and made the `prod` stage's whole membership. */
async function registerTargets(targets: Target[]): Promise<void> {
  const names: string[] = [];
  for (const t of targets) {
    const name = `prod-${++registrySeq}`;
    await admin('POST', '/api/v1/registries', { name, url: t.url, role: 'prod' });
    names.push(name);
  }
  await admin('PATCH', '/api/v1/stages/prod', { registries: names });
}

interface PromotionView {
  id: string;
  status: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
  targets: Array<{
    id: string;
    registry: string;
    startedAt: string | null;
    error: { code: string; message: string } | null;
  }>;
}

/** Runs `fn` over `items`, `parallel` at a time, in order of the list. */
async function pool<T, R>(items: T[], parallel: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]!);
    }),
  );
  return results;
}

async function promote(services: Service[], repositoryOf = (s: Service) => s.repository) {
  return pool(services, PARALLEL, (s) =>
    call<PromotionView>('POST', '/api/v1/promotions', {
      repository: s.repository,
      digest: s.digest,
      source: 'ci',
      sourceRegistry: 'ci',
      target: 'prod',
      targetRepository: repositoryOf(s),
      tags: [TAG],
    }),
  );
}

/**
 * Follows each promotion to its end, oldest first (they finish roughly in order), as a CI job
 * would: `GET /api/v1/promotions/{id}?wait=60` answers once it is no longer active. Any other
 * end than `succeeded` fails the bench.
 */
async function follow(ids: string[]): Promise<PromotionView[]> {
  const views: PromotionView[] = [];
  for (const id of ids) {
    for (;;) {
      const view = await call<PromotionView>('GET', `/api/v1/promotions/${id}?wait=${WAIT_S}`);
      if (view.status === 'succeeded') {
        views.push(view);
        break;
      }
      if (view.status === 'failed' || view.status === 'cancelled') {
        const why = view.error ?? view.targets.find((t) => t.error)?.error;
        throw new Error(`promotion ${id} ${view.status}: ${JSON.stringify(why)}`);
      }
    }
  }
  return views;
}

/** One release of every service (POST /api/v1/releases), followed until it succeeded. */
async function releaseAll(services: Service[], started: number): Promise<void> {
  const accepted = await call<{ id: string }>('POST', '/api/v1/releases', {
    source: 'ci',
    target: 'prod',
    items: services.map((s) => ({
      repository: s.repository,
      digest: s.digest,
      sourceRegistry: 'ci',
      tags: [TAG],
    })),
  });
  const acceptedAfter = now() - started;
  for (;;) {
    const view = await call<{ status: string; error: unknown; items: PromotionView[] }>(
      'GET',
      `/api/v1/releases/${accepted.id}?wait=${WAIT_S}`,
    );
    if (view.status === 'succeeded') {
      if (process.env.BENCH_TIMELINE === '1') {
        console.log(`    release accepted after ${acceptedAfter.toFixed(0)} ms`);
        // What following costs Airlock: its CPU per view read, measured over 20 reads now.
        const cpu = api.cpuMs();
        for (let i = 0; i < 20; i++) await call('GET', `/api/v1/releases/${accepted.id}`);
        console.log(
          `    one release view read: ${((api.cpuMs() - cpu) / 20).toFixed(1)} ms of Airlock CPU`,
        );
      }
      timeline(started, view.items);
      return;
    }
    if (view.status === 'failed' || view.status === 'cancelled')
      throw new Error(`release ${accepted.id} ${view.status}: ${JSON.stringify(view.error)}`);
  }
}

async function airlockRun(
  services: Service[],
  registries: number,
  counted: boolean,
  asRelease = false,
) {
  const targets = await startTargets(registries, counted);
  try {
    await registerTargets(targets);
    api.resetPeak();
    const cpu = api.cpuMs();
    const started = now();
    const [[, registryCpuMs, sourceCpuMs], servicesCpuMs] = await servicesCpu(() =>
      registryCpu(targets, async () => {
        if (asRelease) await releaseAll(services, started);
        else timeline(started, await follow((await promote(services)).map((p) => p.id)));
      }),
    );
    // The run's span on the monotonic clock a --cpu-prof profile's timestamps use (µs there).
    if (process.env.BENCH_TIMELINE === '1')
      console.log(`    monotonic span: ${started.toFixed(0)}–${now().toFixed(0)} ms`);
    const result: RunResult = {
      ms: now() - started,
      cpuMs: api.cpuMs() - cpu,
      registryCpuMs,
      sourceCpuMs,
      servicesCpuMs,
      rss: api.peakRssBytes(),
      ...sum(targets.map((t) => accounting(t, services))),
    };
    await verify(targets, services);
    return result;
  } finally {
    await stopTargets(targets);
  }
}

/**
 * BENCH_TIMELINE=1: where a run's wall time went, from the promotion views — when each was
 * accepted, started and finished (ms after the run started), and how many ran at once on average.
 */
function timeline(started: number, views: PromotionView[]): void {
  if (process.env.BENCH_TIMELINE !== '1') return;
  const at = (iso: string | null) => (iso ? Date.parse(iso) - (Date.now() - now() + started) : NaN);
  const rows = views.map((v) => [at(v.createdAt), at(v.startedAt), at(v.finishedAt)] as const);
  const running = rows.reduce((sum, [, s, f]) => sum + (f - s), 0);
  const span = Math.max(...rows.map((r) => r[2])) - Math.min(...rows.map((r) => r[1]));
  console.log(
    `    timeline (accepted/started/finished, ms): ${rows.map((r) => r.map((x) => x.toFixed(0)).join('/')).join(' ')}`,
  );
  console.log(
    `    last accepted at ${Math.max(...rows.map((r) => r[0])).toFixed(0)} ms; running ${(running / rows.length).toFixed(0)} ms per promotion on average, ${(running / span).toFixed(1)} at once`,
  );
}

const sum = (xs: Array<{ streamed: number; lacked: number; requests: Map<string, number> }>) =>
  xs.reduce(
    (a, b) => {
      for (const [kind, n] of b.requests) a.requests.set(kind, (a.requests.get(kind) ?? 0) + n);
      return {
        streamed: a.streamed + b.streamed,
        lacked: a.lacked + b.lacked,
        requests: a.requests,
      };
    },
    { streamed: 0, lacked: 0, requests: new Map<string, number>() },
  );

let source: RegistryFixture;
let policyFile: string;

/** One `skopeo copy`, under /usr/bin/time for its CPU time, in a process group of its own. */
function skopeoCopy(service: Service, target: Target): Promise<{ cpuMs: number }> {
  const args = [
    '-f',
    'BENCH_TIME %U %S %M',
    'skopeo',
    'copy',
    '--all',
    '--preserve-digests',
    '--policy',
    policyFile,
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    `docker://${source.host}/${service.repository}@${service.digest}`,
    `docker://${target.host}/${service.repository}:${TAG}`,
  ];
  return new Promise((done, fail) => {
    const child = spawn('/usr/bin/time', args, {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const pgid = child.pid!;
    skopeoGroups.add(pgid);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', fail);
    child.once('close', (code) => {
      skopeoGroups.delete(pgid);
      const time = /BENCH_TIME ([\d.]+) ([\d.]+)/.exec(stderr);
      if (code !== 0 || !time)
        return fail(new Error(`skopeo copy ${service.repository} (exit ${code}): ${stderr}`));
      done({ cpuMs: (Number(time[1]) + Number(time[2])) * 1000 });
    });
  });
}

async function skopeoRun(
  services: Service[],
  registries: number,
  counted: boolean,
  parallel: number,
) {
  const targets = await startTargets(registries, counted);
  try {
    const jobs = targets.flatMap((t) => services.map((s) => ({ s, t })));
    const started = now();
    const [[cpus, registryCpuMs, sourceCpuMs], servicesCpuMs] = await servicesCpu(() =>
      registryCpu(targets, () => pool(jobs, parallel, ({ s, t }) => skopeoCopy(s, t))),
    );
    const result: RunResult = {
      ms: now() - started,
      registryCpuMs,
      sourceCpuMs,
      servicesCpuMs,
      cpuMs: cpus.reduce((a, b) => a + b.cpuMs, 0),
      ...sum(targets.map((t) => accounting(t, services))),
    };
    await verify(targets, services);
    return result;
  } finally {
    await stopTargets(targets);
  }
}

// ---------------------------------------------------------------------------------------------
// Cases, goals, report.

type Variant = 'Airlock' | 'Airlock release' | 'skopeo' | 'skopeo -P4';
const isAirlock = (v: Variant) => v === 'Airlock' || v === 'Airlock release';

interface Case {
  key: string;
  name: string;
  services: () => Service[];
  registries: number;
  /** Uploads counted by a proxy in front of each target (it costs CPU, so not for the big image). */
  counted: boolean;
  variants: Variant[];
}

interface CaseOutcome {
  c: Case;
  runs: Map<Variant, RunResult[]>;
  bytes: number;
}

const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;

function runVariant(c: Case, v: Variant): Promise<RunResult> {
  const services = c.services();
  if (isAirlock(v)) return airlockRun(services, c.registries, c.counted, v === 'Airlock release');
  return skopeoRun(services, c.registries, c.counted, v === 'skopeo' ? 1 : PARALLEL);
}

async function runCase(c: Case): Promise<CaseOutcome> {
  const runs = new Map<Variant, RunResult[]>(c.variants.map((v) => [v, []]));
  const services = c.services();
  const bytes = [...new Map(services.flatMap((s) => s.blobs.map((b) => [b.digest, b.size])))]
    .map(([, size]) => size)
    .reduce((a, b) => a + b, 0);
  console.log(
    `\n${c.name}: ${services.length} image(s), ${mib(bytes)} of unique blobs, into ${c.registries} registr${c.registries === 1 ? 'y' : 'ies'}`,
  );
  for (let i = 0; i < RUNS; i++) {
    const line: string[] = [];
    // Each run starts with the next variant: whatever the first of a run pays for (the machine
    // settling after the images were pushed, say) falls on every tool in turn.
    const order = c.variants.map((_, j) => c.variants[(i + j) % c.variants.length]!);
    for (const v of order) {
      const r = await runVariant(c, v);
      runs.get(v)!.push(r);
      line.push(
        `${v} ${r.ms.toFixed(0)} ms (${(r.cpuMs / 1000).toFixed(1)} CPU-s, registries ${(r.registryCpuMs / 1000).toFixed(1)} CPU-s (source ${(r.sourceCpuMs / 1000).toFixed(1)}), Postgres + Redis ${(r.servicesCpuMs / 1000).toFixed(1)} CPU-s${c.counted ? `, streamed ${(r.streamed / r.lacked).toFixed(2)}× lacked` : ''})`,
      );
    }
    console.log(`  run ${i + 1}/${RUNS}: ${line.join(' | ')}`);
    if (c.counted && i === 0)
      for (const v of c.variants)
        console.log(
          `    ${v}: ${requestsPerImage(runs.get(v)![0]!.requests, services.length * c.registries)}`,
        );
  }
  return { c, runs, bytes };
}

interface Goal {
  label: string;
  measured: string;
  met: boolean;
}

function report(outcomes: CaseOutcome[], pickup: PickupResult | undefined): void {
  const rows: string[] = [];
  const goals: Goal[] = [];
  const med = (o: CaseOutcome, v: Variant, f: (r: RunResult) => number) =>
    median(o.runs.get(v)!.map(f));
  for (const o of outcomes) {
    const airlock = med(o, 'Airlock', (r) => r.ms);
    for (const v of o.c.variants) {
      const ms = med(o, v, (r) => r.ms);
      const cpu = med(o, v, (r) => r.cpuMs) / 1000;
      const registriesCpu = med(o, v, (r) => r.registryCpuMs) / 1000;
      const runs = o.runs.get(v)!;
      const worstStream = Math.max(...runs.map((r) => r.streamed / r.lacked));
      const rss = isAirlock(v)
        ? `${(Math.max(...runs.map((r) => r.rss ?? 0)) / 1e6).toFixed(0)} MB`
        : '';
      rows.push(
        `| ${o.c.name} | ${v} | ${ms.toFixed(0)} ms | ${((o.bytes * o.c.registries) / 1e6 / (ms / 1000)).toFixed(0)} MB/s, ${((o.c.services().length * o.c.registries) / (ms / 1000)).toFixed(1)} images/s | ${v === 'Airlock' ? '' : `${(ms / airlock).toFixed(2)} ×`} | ${cpu.toFixed(1)} s (registries ${registriesCpu.toFixed(1)} s) | ${o.c.counted ? `${mib(median(runs.map((r) => r.streamed)))} / ${mib(median(runs.map((r) => r.lacked)))} (worst ${worstStream.toFixed(2)} ×)` : 'not counted'} | ${rss} |`,
      );
    }
    const skopeos = o.c.variants.filter((v) => !isAirlock(v));
    const best = Math.min(...skopeos.map((v) => med(o, v, (r) => r.ms)));
    const vs = o.c.key === 'fanout' ? 'skopeo -P4' : 'the better skopeo';
    const speedup = best / airlock;
    if (o.c.key === 'big') {
      const gib = o.bytes / 2 ** 30;
      const aCpu = med(o, 'Airlock', (r) => r.cpuMs) / 1000 / gib;
      const sCpu = med(o, 'skopeo', (r) => r.cpuMs) / 1000 / gib;
      goals.push({
        label: `${o.c.name}: Airlock ≥ 1.1 × skopeo`,
        measured: `${speedup.toFixed(2)} ×`,
        met: speedup >= 1.1,
      });
      goals.push({
        label: `${o.c.name}: Airlock CPU/GiB ≤ 0.75 × skopeo's`,
        measured: `${aCpu.toFixed(2)} vs ${sCpu.toFixed(2)} s/GiB = ${(aCpu / sCpu).toFixed(2)} ×`,
        met: aCpu / sCpu <= 0.75,
      });
    } else {
      goals.push({
        label: `${o.c.name}: Airlock ≥ 1.5 × ${vs}`,
        measured: `${speedup.toFixed(2)} ×`,
        met: speedup >= 1.5,
      });
      if (o.c.variants.includes('Airlock release')) {
        const asRelease = best / med(o, 'Airlock release', (r) => r.ms);
        goals.push({
          label: `${o.c.name}, as one release: Airlock ≥ 1.5 × ${vs}`,
          measured: `${asRelease.toFixed(2)} ×`,
          met: asRelease >= 1.5,
        });
      }
    }
    if (o.c.counted) {
      const worst = Math.max(...o.runs.get('Airlock')!.map((r) => r.streamed / r.lacked));
      goals.push({
        label: `${o.c.name}: bytes streamed ≤ 1.05 × unique lacked`,
        measured: `${worst.toFixed(3)} × (worst run)`,
        met: worst <= 1.05,
      });
    }
  }
  const releases = outcomes.filter((o) => o.c.key !== 'big');
  if (releases.length > 0) {
    const peak = Math.max(
      ...releases.flatMap((o) =>
        o.c.variants.filter(isAirlock).flatMap((v) => o.runs.get(v)!.map((r) => r.rss ?? 0)),
      ),
      pickup?.rss ?? 0,
    );
    goals.push({
      label: 'peak RSS of the Airlock process during the releases ≤ 250 MB',
      measured: `${(peak / 1e6).toFixed(0)} MB`,
      met: peak <= 250e6,
    });
  }
  if (pickup) {
    goals.push({
      label: `job pickup p99 ≤ 100 ms once a worker slot is free (${pickup.count} promotions queued)`,
      measured: `p50 ${pickup.totalP50.toFixed(0)} ms, p99 ${pickup.totalP99.toFixed(0)} ms (enqueued or slot freed → marked running)`,
      met: pickup.totalP99 <= 100,
    });
  }

  console.log(
    `\nrelease benchmark — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${RUNS} run(s) per case (medians), node ${process.version} ${NODE_ARGS.join(' ')}, load average ${loadAverage()}`,
  );
  console.log(
    "| case | tool | median time | throughput (unique blob bytes, image copies) | Airlock's speedup (time / Airlock's) | CPU (median; the registries' beside it) | blob bytes streamed / unique lacked (median) | Airlock peak RSS |",
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  if (pickup) {
    console.log(
      `\njob pickup (promotion createdAt → startedAt, from the promotion views): ${pickup.count} promotions requested ${PARALLEL} at a time in ${(pickup.submitMs / 1000).toFixed(1)} s, all done after ${(pickup.totalMs / 1000).toFixed(1)} s (${(pickup.count / (pickup.totalMs / 1000)).toFixed(0)}/s)`,
    );
    console.log(
      `  all: p50 ${pickup.p50.toFixed(0)} ms, p99 ${pickup.p99.toFixed(0)} ms, max ${pickup.max.toFixed(0)} ms` +
        ` | once a worker slot was free: p50 ${pickup.slotP50.toFixed(0)} ms, p99 ${pickup.slotP99.toFixed(0)} ms` +
        ` | of those, started after the last request was answered (${pickup.quietCount}): p50 ${pickup.quietP50.toFixed(0)} ms, p99 ${pickup.quietP99.toFixed(0)} ms`,
    );
    console.log(
      `  BullMQ's clock — enqueued or slot freed → job handed to the worker: p50 ${pickup.queueP50.toFixed(0)} ms, p99 ${pickup.queueP99.toFixed(0)} ms` +
        ` | handed over → promotion marked running: p50 ${pickup.startP50.toFixed(0)} ms, p99 ${pickup.startP99.toFixed(0)} ms` +
        ` | together: p50 ${pickup.totalP50.toFixed(0)} ms, p99 ${pickup.totalP99.toFixed(0)} ms`,
    );
  }
  console.log('\n| goal | measured | |');
  console.log('|---|---|---|');
  for (const g of goals)
    console.log(`| ${g.label} | ${g.measured} | ${g.met ? '✓ met' : '✗ missed'} |`);
}

interface PickupResult {
  count: number;
  submitMs: number;
  totalMs: number;
  p50: number;
  p99: number;
  max: number;
  /** Start minus when a worker slot became free for it (or its request, if later). */
  slotP50: number;
  slotP99: number;
  /** BullMQ's own clock: processedOn minus max(enqueued, when a slot freed: finishedOn). */
  queueP50: number;
  queueP99: number;
  /** From BullMQ handing the job over (processedOn) to the promotion marked running (startedAt). */
  startP50: number;
  startP99: number;
  /** The two together: enqueued or slot freed → the promotion marked running. The goal's measure. */
  totalP50: number;
  totalP99: number;
  /** The same for the promotions started after the last request was answered. */
  quietCount: number;
  quietP50: number;
  quietP99: number;
  rss: number;
}

/**
 * PICKUP_PROMOTIONS small promotions requested as fast as the API takes them, each into a
 * repository of its own; pickup = the promotion's startedAt (the worker took the job) minus its
 * createdAt (the request's transaction), both Postgres clock. With 200 queued, most of that is
 * waiting behind earlier promotions for a slot; the goal's measure is the wait beyond the moment a
 * slot became free for it (see `slot`).
 */
/**
 * From the promotion queue's completed jobs of these targets (BullMQ's own timestamps):
 * `pickup` = processedOn − max(enqueued, when the slot's previous job finished), slots paired as
 * for the views' spans; `start` = the target's startedAt (Postgres) − processedOn: the runner's
 * first transaction after BullMQ handed the job over.
 */
async function queueTimes(
  startedAt: Map<string, number>,
): Promise<{ pickup: number[]; start: number[]; total: number[] }> {
  const queue = new Queue('promotion', {
    connection: { url: REDIS_URL } as never,
    prefix: REDIS_PREFIX,
  });
  try {
    const jobs = (await queue.getJobs(['completed'], 0, -1)).filter((j) =>
      startedAt.has((j.data as { promotionTargetId: string }).promotionTargetId),
    );
    const finishes = jobs.map((j) => j.finishedOn!).sort((a, b) => a - b);
    const byStart = [...jobs].sort((a, b) => a.processedOn! - b.processedOn!);
    const ready = byStart.map((j, k) =>
      Math.max(
        j.timestamp,
        k < WORKER_CONCURRENCY ? j.timestamp : finishes[k - WORKER_CONCURRENCY]!,
      ),
    );
    const pickup = byStart.map((j, k) => j.processedOn! - ready[k]!);
    const total = byStart.map(
      (j, k) =>
        startedAt.get((j.data as { promotionTargetId: string }).promotionTargetId)! - ready[k]!,
    );
    const start = jobs.map(
      (j) =>
        startedAt.get((j.data as { promotionTargetId: string }).promotionTargetId)! -
        j.processedOn!,
    );
    return { pickup, start, total };
  } finally {
    await queue.close();
  }
}

async function pickupCase(small: Service[]): Promise<PickupResult> {
  const targets = await startTargets(1, false);
  try {
    await registerTargets(targets);
    api.resetPeak();
    const list = Array.from({ length: PICKUP_PROMOTIONS }, (_, k) => ({
      ...small[k % small.length]!,
      k,
    }));
    const started = now();
    const promotions = await promote(list, (s) => `pickup/p${(s as Service & { k: number }).k}`);
    const submitMs = now() - started;
    const views = await follow(promotions.map((p) => p.id));
    const totalMs = now() - started;
    const spans = views.map((v) => ({
      created: Date.parse(v.createdAt),
      started: Date.parse(v.startedAt!),
      finished: Date.parse(v.finishedAt!),
    }));
    const waits = spans.map((s) => s.started - s.created);
    // Pickup once a slot is free: at most WORKER_CONCURRENCY promotions run at once, so the k-th
    // to start (by start time) waited for the (k - concurrency + 1)-th to finish, or for its own
    // request, whichever came later; what it waited beyond that is the pickup.
    const finishes = spans.map((s) => s.finished).sort((a, b) => a - b);
    const byStart = [...spans].sort((a, b) => a.started - b.started);
    const slot = byStart.map((s, k) => {
      const freed = k < WORKER_CONCURRENCY ? s.created : finishes[k - WORKER_CONCURRENCY]!;
      return s.started - Math.max(s.created, freed);
    });
    const queued = await queueTimes(
      new Map(views.flatMap((v) => v.targets.map((t) => [t.id, Date.parse(t.startedAt!)]))),
    );
    // The same once the last request was answered: no request shares the event loop any more.
    const submittedAt = Date.now() - (now() - started - submitMs);
    const quiet = slot.filter((_, k) => byStart[k]!.started > submittedAt);
    return {
      count: views.length,
      submitMs,
      totalMs,
      p50: percentile(waits, 50),
      p99: percentile(waits, 99),
      max: Math.max(...waits),
      slotP50: percentile(slot, 50),
      slotP99: percentile(slot, 99),
      queueP50: percentile(queued.pickup, 50),
      queueP99: percentile(queued.pickup, 99),
      startP50: percentile(queued.start, 50),
      startP99: percentile(queued.start, 99),
      totalP50: percentile(queued.total, 50),
      totalP99: percentile(queued.total, 99),
      quietCount: quiet.length,
      quietP50: percentile(quiet, 50),
      quietP99: percentile(quiet, 99),
      rss: api.peakRssBytes(),
    };
  } finally {
    await stopTargets(targets);
  }
}

// ---------------------------------------------------------------------------------------------

async function pushAll(pusher: ImagePusher, list: Array<[string, TestImage]>): Promise<Service[]> {
  const services: Service[] = [];
  for (const [repository, image] of list) {
    await pusher.push(repository, image, ['v1']);
    services.push(serviceOf(repository, image));
  }
  return services;
}

/** Registered with Airlock and every required gate passed: ready for Prod. */
async function registerAndGate(services: Service[]): Promise<void> {
  await pool(services, PARALLEL, async (s) => {
    await call('POST', '/api/v1/images', {
      registry: 'ci',
      repository: s.repository,
      digest: s.digest,
    });
    for (const gate of ['unit-tests', 'scan'])
      await call('POST', `/api/v1/gates/${s.digest}/results`, { gate, status: 'passed' });
  });
}

/**
 * Airlock is a service that runs for days: the measured runs see it warm, as its users do, not a
 * process whose hot paths V8 has not compiled yet (a fresh process spent up to 1.7 × the CPU on
 * the first case it ran, so a case's numbers depended on the cases run before it). Before any
 * measured run, the warm-up images are promoted once as requests and once as a release, into
 * scratch registries dropped after; skopeo, a compiled binary started per copy, needs none.
 */
async function warmUp(services: Service[]): Promise<void> {
  if (services.length === 0) return;
  console.log(`warming Airlock up: ${services.length} promotions, then a release of them …`);
  await airlockRun(services, 1, false);
  await airlockRun(services, 1, false, true);
}

async function main(): Promise<void> {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: build it first`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-release-'));
  onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
  policyFile = join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));

  const allCases: Array<Omit<Case, 'services'> & { images: 'big' | 'release' | 'small' }> = [
    {
      key: 'big',
      name: `one ${BIG_MIB} MiB image (${BIG_LAYERS} layers)`,
      images: 'big',
      registries: 1,
      counted: false,
      variants: ['Airlock', 'skopeo'],
    },
    {
      key: 'release',
      name: '20-service release → 1 Prod registry',
      images: 'release',
      registries: 1,
      counted: true,
      variants: ['Airlock', 'Airlock release', 'skopeo', 'skopeo -P4'],
    },
    {
      key: 'small',
      name: '60 small services → 1 Prod registry',
      images: 'small',
      registries: 1,
      counted: true,
      variants: ['Airlock', 'Airlock release', 'skopeo', 'skopeo -P4'],
    },
    {
      key: 'fanout',
      name: '20-service release → Prod stage of 3 registries',
      images: 'release',
      registries: 3,
      counted: true,
      variants: ['Airlock', 'Airlock release', 'skopeo -P4'],
    },
  ];
  const matches = (key: string, name: string) => !ONLY || key.includes(ONLY) || name.includes(ONLY);
  const selected = allCases.filter((c) => matches(c.key, c.name));
  const pickupSelected = matches('pickup', 'job pickup');
  const need = new Set<string>(selected.map((c) => c.images));
  if (pickupSelected) need.add('small');
  // The full run's state with fewer cases: every image pushed and registered.
  if (process.env.BENCH_ALL_IMAGES === '1') for (const c of allCases) need.add(c.images);

  await onServer(SERVER_URL, `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await onServer(SERVER_URL, `CREATE DATABASE ${DATABASE}`);
  onCleanup(() => onServer(SERVER_URL, `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
  onCleanup(() => dropRedisKeys(REDIS_URL, REDIS_PREFIX));

  source = await RegistryFixture.start({ name: 'bench-ci' });
  onCleanup(() => source.stop());

  adminToken = `alk_${randomBytes(32).toString('base64url')}`;
  api = await Airlock.start(adminToken, dir);
  onCleanup(async () => {
    if (process.exitCode) console.error(`Airlock's output, last lines:\n${api.outputTail()}`);
    if (process.env.BENCH_AIRLOCK_LOG_COPY) api.copyLog(process.env.BENCH_AIRLOCK_LOG_COPY);
  });
  ciToken = (
    await admin<{ token: string }>('POST', '/api/v1/tokens', { name: 'bench-ci', role: 'ci' })
  ).token;
  await admin('POST', '/api/v1/registries', { name: 'ci', url: source.url, role: 'ci' });
  await admin('POST', '/api/v1/stages', { name: 'ci', position: 1, registries: ['ci'] });
  await admin('POST', '/api/v1/stages', { name: 'prod', position: 2, registries: [] });
  await admin('PUT', '/api/v1/stages/prod/policy', {
    allowedSourceStages: ['ci'],
    requiredGates: ['unit-tests', 'scan'],
  });

  const images: Record<string, Service[]> = {};
  const pusher = new ImagePusher(source);
  try {
    if (need.has('big')) {
      console.log(`pushing one ${BIG_LAYERS} × ${BIG_MIB / BIG_LAYERS} MiB image …`);
      const big = await buildBigImage({
        registryUrl: source.url,
        repository: 'big/app',
        tag: 'v1',
        layers: BIG_LAYERS,
        layerSize: (BIG_MIB / BIG_LAYERS) * MIB,
        tmpDir: dir,
      });
      const blobs = [big.config, ...big.layers];
      for (const b of blobs) blobSizes.set(b.digest, b.size);
      images.big = [{ repository: 'big/app', digest: big.digest, blobs }];
    }
    if (need.has('release')) {
      console.log('pushing 20 services on a 32 MiB base (+ 2 × 4 MiB each) …');
      const base = createLayer(
        { size: 32 * MIB, compression: 'stored-gzip' },
        MediaTypes.ociLayerGzip,
      );
      const list: Array<[string, TestImage]> = Array.from({ length: 20 }, (_, i) => [
        `release/svc-${i}`,
        buildImage({
          baseLayers: [base],
          layers: [
            { size: 4 * MIB, compression: 'stored-gzip' },
            { size: 4 * MIB, compression: 'stored-gzip' },
          ],
        }),
      ]);
      images.release = await pushAll(pusher, list);
    }
    // Warm-up images of their own (their own base too): nothing a measured run copies.
    const warmBase = createLayer({ size: 64 * 1024 }, MediaTypes.ociLayerGzip);
    images.warmup = await pushAll(
      pusher,
      Array.from({ length: WARMUP_IMAGES }, (_, i) => [
        `warmup/svc-${i}`,
        buildImage({ baseLayers: [warmBase], layers: [{ size: 16 * 1024 }] }),
      ]),
    );
    if (need.has('small')) {
      console.log('pushing 60 small services (64 KiB base + 2 × 16 KiB each) …');
      const base = createLayer({ size: 64 * 1024 }, MediaTypes.ociLayerGzip);
      const list: Array<[string, TestImage]> = Array.from({ length: 60 }, (_, i) => [
        `small/svc-${i}`,
        buildImage({ baseLayers: [base], layers: [{ size: 16 * 1024 }, { size: 16 * 1024 }] }),
      ]);
      images.small = await pushAll(pusher, list);
    }
  } finally {
    pusher.close();
  }
  const every = Object.values(images).flat();
  console.log(`registering ${every.length} images and recording their gates …`);
  await registerAndGate(every);
  await warmUp(images.warmup);

  const outcomes: CaseOutcome[] = [];
  for (const c of selected)
    outcomes.push(await runCase({ ...c, services: () => images[c.images]! }));
  let pickup: PickupResult | undefined;
  if (pickupSelected) {
    console.log(`\njob pickup: ${PICKUP_PROMOTIONS} small promotions queued …`);
    pickup = await pickupCase(images.small!);
  }
  report(outcomes, pickup);
}

main()
  .catch((error: unknown) => {
    if (interrupted) return;
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
