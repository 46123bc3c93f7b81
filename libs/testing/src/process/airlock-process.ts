import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { spawnGuarded, stopChild } from './child-processes';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '..', '..', '..', '..');
export type AirlockEntry = 'standalone' | 'api' | 'worker' | 'cli/migrate';

/**
 * Runs a built Airlock entry point (dist/, built by the test global setup) as a real process
 * with its own environment: what e2e tests drive over HTTP, exactly what production runs.
 */
export class AirlockProcess {
  private output = '';
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(entry: AirlockEntry, env: Record<string, string>): AirlockProcess {
    const [app, file] = entry.includes('/') ? entry.split('/') : [entry, 'main'];
    const script = join(ROOT, 'dist', 'apps', app, 'src', `${file}.js`);
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('AIRLOCK_')),
    );
    const child = spawnGuarded(process.execPath, [script], {
      cwd: ROOT,
      env: { ...inherited, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AirlockProcess(child);
  }

  /** Everything the process printed so far. */
  get logs(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for a line matching `pattern`; fails early (with the logs) if the process exits. */
  async waitForLog(pattern: RegExp, timeoutMs = 30000): Promise<RegExpMatchArray> {
    return waitFor(
      `log ${pattern}`,
      () => {
        const match = this.output.match(pattern);
        if (match) return match;
        if (!this.running)
          throw new Error(
            `process exited (${this.child.exitCode}) before logging ${pattern}:\n${this.output}`,
          );
        return undefined;
      },
      timeoutMs,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- process output ---\n${this.output}`);
    });
  }

  async stop(graceMs = 10000): Promise<number | string | null> {
    return stopChild(this.child, graceMs);
  }
}
