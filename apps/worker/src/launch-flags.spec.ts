import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every launch of a process that copies blobs (the worker, and the standalone process that runs
 * one) carries the same node flags (docs/operations.md, "Node flags"; docs/performance.md,
 * 2026-12-03): a heap floor — without it, a process that sat idle lets V8's memory reducer
 * shrink its heap, and its next large copy runs a full GC every few MB of blob data, twice the
 * CPU per GiB — and two bounds on how far the heap grows between collections (young generation
 * 8 MB per semi-space, old generation 1.3 × its live size), which keep the peak RSS of a release
 * under 250 MB — and no allocation-site pretenuring: a process warmed up by promotions had V8
 * allocate a copy's short-lived objects straight into old space, a full GC every ~200 ms of a
 * large copy, 1.6 × the CPU per GiB (docs/performance.md, 2026-12-08).
 */
const root = join(__dirname, '../../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** The node flags of a launch: the `--…` tokens after `node`, before the script. */
function nodeFlags(launch: string): string[] {
  return launch.match(/--[a-z-]+(?:=\d+)?/g) ?? [];
}

function valueOf(flags: string[], name: string): number | undefined {
  const found = flags.find((flag) => flag.startsWith(`--${name}=`));
  return found === undefined ? undefined : Number(found.split('=')[1]);
}

describe('launch flags of the copying processes', () => {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  const dockerCmd = /^CMD (.*)$/m.exec(read('Dockerfile'))?.[1] ?? '';
  const composeWorker =
    /worker:\n(?:.*\n)*?\s+command:\s*(\[[^\]]*\])/.exec(read('docker-compose.yml'))?.[1] ?? '';

  const launches: Array<[string, string]> = [
    ['npm start', scripts.start!],
    ['npm run start:worker', scripts['start:worker']!],
    ["the Dockerfile's CMD", dockerCmd],
    ["docker-compose.yml's worker", composeWorker],
  ];

  it.each(launches)(
    '%s sets the heap floor, both growth bounds and no pretenuring',
    (_where, launch) => {
      const flags = nodeFlags(launch);
      expect(valueOf(flags, 'initial-old-space-size')).toBeGreaterThanOrEqual(96);
      expect(valueOf(flags, 'max-semi-space-size')).toBe(8);
      expect(valueOf(flags, 'heap-growing-percent')).toBe(30);
      expect(flags).toContain('--no-allocation-site-pretenuring');
    },
  );

  it('all of them set the same flags', () => {
    const sets = new Set(launches.map(([, launch]) => nodeFlags(launch).join(' ')));
    expect(sets.size).toBe(1);
  });

  it('this node accepts them (an upgrade that drops a V8 flag fails here, not at start-up)', () => {
    const flags = nodeFlags(scripts.start!);
    const run = spawnSync(process.execPath, [...flags, '-e', '0'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
