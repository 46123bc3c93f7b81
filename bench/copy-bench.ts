// npm run bench:copy — the copy engine against skopeo, side by side in one run, alternating,
// with fresh target storage for every run. Prints medians, throughput, peak RSS and ratios.
// BENCH_RUNS (default 3) sets the runs per case; BENCH_BIG_LAYERS / BENCH_BIG_LAYER_MIB shrink
// the big image for a quick look; BENCH_ENGINE_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p")
// is passed to the node process that runs each engine copy.
import { buildBigImage, buildImage, ImagePusher, RegistryFixture } from '@airlock/testing';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './support';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BIG_LAYERS = Number(process.env.BENCH_BIG_LAYERS ?? 8);
const BIG_LAYER_MIB = Number(process.env.BENCH_BIG_LAYER_MIB ?? 128);
const SMALL_LAYERS = 200;
const SMALL_LAYER_BYTES = 64 * 1024;

interface Sample {
  ms: number;
  rss?: number;
  cpuMs?: number;
  systemMs?: number;
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file}: ${stderr || error.message}`)) : resolve(stdout),
    ),
  );
}

async function engineCopy(
  source: RegistryFixture,
  repository: string,
  digest: string,
  target: RegistryFixture,
  targetRepo: string,
  repeat = 1,
) {
  const job = {
    source: { url: source.url, repository, digest },
    target: { url: target.url, repository: targetRepo },
    repeat,
  };
  const nodeArgs = (process.env.BENCH_ENGINE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const out = await run(process.execPath, [
    ...nodeArgs,
    join(__dirname, 'copy-once.js'),
    JSON.stringify(job),
  ]);
  return JSON.parse(out) as {
    runs: Array<{
      ms: number;
      requests: number;
      bytesCopied: number;
      mounted: number;
      cpuMs: number;
      systemMs: number;
    }>;
    maxRssBytes: number;
    cpuMs: number;
  };
}

const hasTime = spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0;

async function skopeoCopy(
  source: RegistryFixture,
  repository: string,
  digest: string,
  target: RegistryFixture,
): Promise<Sample> {
  const work = mkdtempSync(join(tmpdir(), 'bench-skopeo-'));
  const policy = join(work, 'policy.json');
  writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  const args = [
    'copy',
    '--all',
    '--preserve-digests',
    '--policy',
    policy,
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    `docker://${source.host}/${repository}@${digest}`,
    `docker://${target.host}/${repository}:bench`,
  ];
  const started = process.hrtime.bigint();
  const out = hasTime
    ? await run('/usr/bin/time', ['-f', 'RSS_KB=%M', 'skopeo', ...args]).catch(
        (e: Error) => e.message,
      )
    : await run('skopeo', args);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  rmSync(work, { recursive: true, force: true });
  const rss = /RSS_KB=(\d+)/.exec(out)?.[1];
  return { ms, rss: rss ? Number(rss) * 1024 : undefined };
}

/**
 * How fast the destination registry takes the big image's bytes at all: the same blobs, read from
 * the source registry's storage files (in the page cache), uploaded by curl (POST, then one
 * monolithic PUT ?digest= streaming the file) six at a time, as the engine does. No source
 * registry in the path, nothing hashed by the sender: what is left is the destination's own work
 * (hashing, writing) and loopback TCP. Any copier's throughput on this machine stays below it.
 */
async function curlCeiling(
  source: RegistryFixture,
  blobs: Array<{ digest: string; size: number }>,
  target: RegistryFixture,
  repository: string,
): Promise<Sample> {
  const fileOf = (digest: string) => {
    const hex = digest.slice('sha256:'.length);
    return join(source.storageDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
  };
  const upload = async (blob: { digest: string }) => {
    const headers = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-D',
      '-',
      '-X',
      'POST',
      `${target.url}/v2/${repository}/blobs/uploads/`,
    ]);
    const location = /^location:\s*(\S+)/im.exec(headers)?.[1];
    if (!location) throw new Error(`no upload location from ${target.url}: ${headers}`);
    const url = new URL(location, target.url);
    url.searchParams.set('digest', blob.digest);
    const status = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      'Content-Type: application/octet-stream',
      '-T',
      fileOf(blob.digest),
      url.toString(),
    ]);
    if (status !== '201') throw new Error(`curl upload of ${blob.digest}: HTTP ${status}`);
  };
  const queue = [...blobs].sort((a, b) => b.size - a.size);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let blob = queue.shift(); blob; blob = queue.shift()) await upload(blob);
    }),
  );
  return { ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

async function withFreshTarget<T>(fn: (target: RegistryFixture) => Promise<T>): Promise<T> {
  const target = await RegistryFixture.start({ name: 'bench-target' });
  try {
    return await fn(target);
  } finally {
    await target.stop();
  }
}

async function main(): Promise<void> {
  const skopeo = spawnSync('skopeo', ['--version']).status === 0;
  const curl = spawnSync('curl', ['--version']).status === 0;
  const source = await RegistryFixture.start({ name: 'bench-source' });
  const tmp = mkdtempSync(join(tmpdir(), 'bench-copy-'));
  try {
    console.log(
      `generating ${BIG_LAYERS} × ${BIG_LAYER_MIB} MiB image and ${SMALL_LAYERS} × 64 KiB image …`,
    );
    const big = await buildBigImage({
      registryUrl: source.url,
      repository: 'bench/big',
      tag: 'v1',
      layers: BIG_LAYERS,
      layerSize: BIG_LAYER_MIB << 20,
      tmpDir: tmp,
    });
    const small = buildImage({
      layers: Array.from({ length: SMALL_LAYERS }, () => ({ size: SMALL_LAYER_BYTES })),
    });
    const pusher = new ImagePusher(source);
    await pusher.push('bench/small', small, ['v1']);
    pusher.close();
    const smallBytes = small.blobs.reduce((sum, b) => sum + b.size, 0);

    const cases = [
      {
        name: `${BIG_LAYERS} × ${BIG_LAYER_MIB} MiB`,
        repo: 'bench/big',
        digest: big.digest,
        bytes: big.totalSize,
        blobs: BIG_LAYERS + 1,
        ceiling: curl ? [big.config, ...big.layers] : undefined,
      },
      {
        name: `${SMALL_LAYERS} × 64 KiB`,
        repo: 'bench/small',
        digest: small.digest,
        bytes: smallBytes,
        blobs: SMALL_LAYERS + 1,
        ceiling: undefined,
      },
    ];
    const rows: string[] = [];
    for (const c of cases) {
      const engine: Sample[] = [];
      const sk: Sample[] = [];
      const ceiling: Sample[] = [];
      for (let i = 0; i < RUNS; i++) {
        await withFreshTarget(async (target) => {
          const r = await engineCopy(source, c.repo, c.digest, target, c.repo);
          engine.push({
            ms: r.runs[0].ms,
            rss: r.maxRssBytes,
            cpuMs: r.runs[0].cpuMs,
            systemMs: r.runs[0].systemMs,
          });
        });
        if (skopeo)
          await withFreshTarget(async (target) =>
            sk.push(await skopeoCopy(source, c.repo, c.digest, target)),
          );
        const blobs = c.ceiling;
        if (blobs)
          await withFreshTarget(async (target) =>
            ceiling.push(await curlCeiling(source, blobs, target, c.repo)),
          );
        process.stdout.write(
          `  ${c.name}: run ${i + 1}/${RUNS} engine ${engine[i].ms.toFixed(0)} ms${skopeo ? `, skopeo ${sk[i].ms.toFixed(0)} ms` : ''}${blobs ? `, destination ceiling (curl) ${ceiling[i].ms.toFixed(0)} ms` : ''}\n`,
        );
      }
      const e = median(engine.map((s) => s.ms));
      const mbps = (ms: number) => c.bytes / 1e6 / (ms / 1000);
      const bps = (ms: number) => c.blobs / (ms / 1000);
      const eRss = Math.max(...engine.map((s) => s.rss ?? 0));
      // CPU time of the copy alone (module loading excluded), per GiB: steadier than wall time.
      const eCpu = median(engine.map((s) => s.cpuMs ?? 0)) / 1000;
      const perGiB = c.bytes >= 2 ** 30 ? `, ${(eCpu / (c.bytes / 2 ** 30)).toFixed(2)} s/GiB` : '';
      const eSystem = median(engine.map((s) => s.systemMs ?? 0)) / 1000;
      const cpu = `${eCpu.toFixed(1)} s CPU (${eSystem.toFixed(1)} s of it in the kernel)${perGiB}`;
      if (skopeo) {
        const s = median(sk.map((x) => x.ms));
        const sRss = Math.max(...sk.map((x) => x.rss ?? 0));
        rows.push(
          `| ${c.name}, empty target | engine | ${e.toFixed(0)} ms | ${mbps(e).toFixed(0)} MB/s | ${bps(e).toFixed(1)} | ${(eRss / 1e6).toFixed(0)} MB, ${cpu} |`,
        );
        rows.push(
          `| ${c.name}, empty target | skopeo ${'1.9'} | ${s.toFixed(0)} ms | ${mbps(s).toFixed(0)} MB/s | ${bps(s).toFixed(1)} | ${sRss ? (sRss / 1e6).toFixed(0) + ' MB' : 'n/a'} |`,
        );
        rows.push(
          `| ${c.name} | **engine / skopeo** | **${(s / e).toFixed(2)} ×** (throughput) | | | |`,
        );
        if (ceiling.length > 0) {
          const top = median(ceiling.map((x) => x.ms));
          rows.push(
            `| ${c.name}, destination ceiling: the same blobs from page cache, curl × 6, no source, no hashing | curl | ${top.toFixed(0)} ms | ${mbps(top).toFixed(0)} MB/s | ${bps(top).toFixed(1)} | ceiling / skopeo ${(s / top).toFixed(2)} ×; engine at ${((100 * top) / e).toFixed(0)} % of the ceiling |`,
          );
        }
      } else {
        rows.push(
          `| ${c.name}, empty target | engine | ${e.toFixed(0)} ms | ${mbps(e).toFixed(0)} MB/s | ${bps(e).toFixed(1)} | ${(eRss / 1e6).toFixed(0)} MB, ${cpu} |`,
        );
      }
    }

    const noop = await withFreshTarget(async (target) =>
      engineCopy(source, 'bench/big', big.digest, target, 'bench/big', 1 + RUNS),
    );
    const noopRuns = noop.runs.slice(1);
    rows.push(
      `| re-copy, target has it all | engine | ${median(noopRuns.map((r) => r.ms)).toFixed(1)} ms | ${noopRuns[0].requests} request(s) | | |`,
    );

    const mounts: number[] = [];
    let streamed = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = await engineCopy(source, 'bench/big', big.digest, source, `bench/mounted-${i}`);
      mounts.push(r.runs[0].ms);
      streamed += r.runs[0].bytesCopied;
    }
    rows.push(
      `| ${BIG_LAYERS} × ${BIG_LAYER_MIB} MiB into another repository of the same registry | engine | ${median(mounts).toFixed(0)} ms | ${streamed} blob bytes streamed | | |`,
    );

    console.log(
      `\ncopy benchmark — ${new Date().toISOString().slice(0, 10)}, ${RUNS} runs per case (medians), node ${process.version}`,
    );
    console.log(
      '| case | tool | median time | throughput | blobs/s | peak RSS (engine: + CPU time of the copy) |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await source.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
