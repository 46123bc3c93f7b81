import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every launch of a process that copies blobs (the worker, and the standalone process that runs
 * one) carries the same heap floor. Without it, a process that sat idle lets V8's memory reducer
 * shrink its heap, and its next large copy runs a full GC every few MB of blob data: twice the
 * CPU per GiB (docs/operations.md, "Node flags"; docs/performance.md, 2026-12-03).
 */
const root = join(__dirname, '../../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const FLAG = /--initial-old-space-size=(\d+)/;

function floorOf(launch: string, where: string): number {
  const found = FLAG.exec(launch);
  if (!found) throw new Error(`${where} starts node without --initial-old-space-size: ${launch}`);
  return Number(found[1]);
}

describe('launch flags of the copying processes', () => {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  const dockerCmd = /^CMD (.*)$/m.exec(read('Dockerfile'))?.[1] ?? '';
  const composeWorker =
    /worker:\n(?:.*\n)*?\s+command: (.*)/.exec(read('docker-compose.yml'))?.[1] ?? '';

  const launches: Array<[string, string]> = [
    ['npm start', scripts.start!],
    ['npm run start:worker', scripts['start:worker']!],
    ["the Dockerfile's CMD", dockerCmd],
    ["docker-compose.yml's worker", composeWorker],
  ];

  it.each(launches)('%s sets a heap floor of at least 128 MB', (where, launch) => {
    expect(floorOf(launch, where)).toBeGreaterThanOrEqual(128);
  });

  it('all of them set the same floor', () => {
    const floors = new Set(launches.map(([where, launch]) => floorOf(launch, where)));
    expect(floors.size).toBe(1);
  });
});
