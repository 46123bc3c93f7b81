// One engine copy in a process of its own, so its peak RSS is the engine's alone.
// Input: JSON in argv[2]; output: one JSON line on stdout.
import { CopyEngine } from '@airlock/copy';
import { RegistryClient } from '@airlock/registry-client';

interface Job {
  source: { url: string; repository: string; digest: string };
  target: { url: string; repository: string };
  repeat?: number;
  concurrency?: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as Job;
  let requests = 0;
  const observe = { onRequest: () => void requests++ };
  const source = new RegistryClient({ name: 'A', url: job.source.url }, observe);
  const target =
    job.source.url === job.target.url
      ? source
      : new RegistryClient({ name: 'B', url: job.target.url }, observe);
  const engine = new CopyEngine();
  const runs: Array<{
    ms: number;
    requests: number;
    bytesCopied: number;
    mounted: number;
    skipped: number;
    copied: number;
    /** CPU time of this process during the copy alone (module loading excluded). */
    cpuMs: number;
    /** The part of cpuMs spent in the kernel (socket reads and writes, loopback TCP). */
    systemMs: number;
  }> = [];
  for (let i = 0; i < (job.repeat ?? 1); i++) {
    requests = 0;
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    const result = await engine.copy({
      source: { registry: source, repository: job.source.repository, digest: job.source.digest },
      target: { registry: target, repository: job.target.repository },
      options: { concurrency: job.concurrency },
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const cpuDuring = process.cpuUsage(cpuBefore);
    if (result.digest !== job.source.digest) throw new Error(`digest changed: ${result.digest}`);
    runs.push({
      ms,
      requests,
      bytesCopied: result.blobs.bytesCopied,
      mounted: result.blobs.mounted,
      skipped: result.blobs.skipped,
      copied: result.blobs.copied,
      cpuMs: (cpuDuring.user + cpuDuring.system) / 1000,
      systemMs: cpuDuring.system / 1000,
    });
  }
  const cpu = process.cpuUsage();
  process.stdout.write(
    JSON.stringify({
      runs,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      cpuMs: (cpu.user + cpu.system) / 1000,
    }) + '\n',
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`copy-once failed: ${(error as Error).stack}\n`);
    process.exit(1);
  },
);
