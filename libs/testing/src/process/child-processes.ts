import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';

/**
 * Every child a fixture starts is tracked here and killed when the test process exits, so a
 * failed test never leaves a registry, Redis or Airlock process behind.
 */
const running = new Set<ChildProcess>();

/**
 * Jest gives each test file a sandboxed `process` whose 'exit' listeners never fire, so exit
 * handlers cannot be the only guard. setpriv (util-linux) execs the child with
 * PR_SET_PDEATHSIG: the kernel kills it when the test process dies, however it dies.
 */
export function spawnGuarded(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const [file, argv] = existsSync(SETPRIV)
    ? [SETPRIV, ['--pdeathsig', 'SIGKILL', command, ...args]]
    : [command, args];
  return track(spawn(file, argv, options));
}

export function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (or signal). */
export async function stopChild(
  child: ChildProcess,
  graceMs = 5000,
): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null)
    return child.exitCode ?? child.signalCode;
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const result = await exited;
  clearTimeout(timer);
  return result;
}

process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
