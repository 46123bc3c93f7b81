import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OWNER_FILE = '.airlock-test-owner';

/**
 * A fresh directory under the OS temp dir; every fixture gets its own, so no state leaks. It
 * records the owning process, so a later run can sweep what a killed test process left behind.
 */
export function createTempDir(prefix: string): string {
  sweepOrphanedTempDirs();
  const dir = mkdtempSync(join(tmpdir(), `airlock-${prefix}-`));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  return dir;
}

/** Synchronous so it also works inside a `process.on('exit')` handler. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Removes our temp dirs whose owner process is gone (dirs without the marker are not ours). */
function sweepOrphanedTempDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('airlock-')) continue;
    const dir = join(tmpdir(), name);
    const owner = readOwner(dir);
    if (owner !== undefined && !isAlive(owner)) removeDir(dir);
  }
}

function readOwner(dir: string): number | undefined {
  try {
    return Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
