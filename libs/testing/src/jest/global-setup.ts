import { execFileSync, spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');

/** What the test tiers need, and how to get it on Debian. */
const BINARIES: Array<{ command: string; args: string[]; install: string }> = [
  {
    command: 'docker-registry',
    args: ['--version'],
    install: 'apt-get install -y docker-registry',
  },
  { command: 'skopeo', args: ['--version'], install: 'apt-get install -y skopeo' },
  { command: 'redis-server', args: ['--version'], install: 'apt-get install -y redis-server' },
  { command: 'openssl', args: ['version'], install: 'apt-get install -y openssl' },
  // The web UI's tests drive Debian's Chromium with playwright-core.
  { command: 'chromium', args: ['--version'], install: 'apt-get install -y chromium' },
];

const SERVICES = [
  {
    name: 'Postgres',
    host: '127.0.0.1',
    port: 5432,
    start: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  },
  {
    name: 'Redis',
    host: '127.0.0.1',
    port: 6379,
    start: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
  },
];

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/**
 * Runs once before every tier. It never skips anything: a missing dependency fails the run with
 * the command that installs it. Then it builds dist/, which the e2e tier starts as real processes.
 */
export default async function globalSetup(): Promise<void> {
  const problems: string[] = [];
  for (const binary of BINARIES) {
    if (spawnSync(binary.command, binary.args, { stdio: 'ignore' }).error) {
      problems.push(
        `${binary.command} is not installed — run: ${binary.install} (after apt-get update)`,
      );
    }
  }
  for (const service of SERVICES) {
    if (!(await reachable(service.host, service.port))) {
      problems.push(
        `${service.name} is not answering on ${service.host}:${service.port} — start it: ${service.start}`,
      );
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `The test tiers need real dependencies:\n  - ${problems.join('\n  - ')}\n(bash .ci/run installs all of them.)`,
    );
  }
  execFileSync('npm', ['run', '--silent', 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
