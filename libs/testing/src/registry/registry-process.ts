import { execFile, type ChildProcess } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { spawnGuarded } from '../process/child-processes';
import { OutputTail } from './output-tail';

const STARTUP_TIMEOUT_MS = 20000;

export interface LaunchedRegistry {
  child: ChildProcess;
  output: OutputTail;
}

/** Thrown when the registry could not start; `portInUse` tells the caller a new port may help. */
export class RegistryStartError extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
  }
}

/**
 * Spawns `docker-registry serve <config>` and resolves once `GET /v2/` answers 200 or 401 (the
 * registry is serving, with or without auth). Fails early, quoting the output tail, if it exits.
 */
export async function launchRegistry(
  configPath: string,
  url: string,
  ca?: string,
): Promise<LaunchedRegistry> {
  const child = spawnGuarded('docker-registry', ['serve', configPath], {
    env: registryEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new OutputTail();
  child.stdout?.on('data', (chunk: Buffer) => output.append(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.append(chunk));
  // A fixture a test forgot to stop must not keep jest alive; the parent-death signal kills it.
  child.unref();
  for (const stream of [child.stdout, child.stderr])
    (stream as { unref?: () => void } | null)?.unref?.();
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const failure = await Promise.race([spawnError, delay(100)]);
    if (failure)
      throw new RegistryStartError(`cannot run docker-registry: ${failure.message}`, false);
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = output.toString();
      const portInUse = /address already in use/i.test(tail);
      throw new RegistryStartError(
        `registry exited (${child.exitCode ?? child.signalCode}) during startup:\n${tail}`,
        portInUse,
      );
    }
    const status = await probe(`${url}/v2/`, ca);
    if (status === 200 || status === 401) return { child, output };
  }
  child.kill('SIGKILL');
  throw new RegistryStartError(
    `registry did not answer ${url}/v2/ within ${STARTUP_TIMEOUT_MS} ms:\n${output}`,
    false,
  );
}

const GC_TIMEOUT_MS = 60000;

/** `docker-registry garbage-collect [--delete-untagged] <config>` on a stopped registry's storage. */
export function collectGarbage(configPath: string, deleteUntagged = false): Promise<string> {
  const args = ['garbage-collect', ...(deleteUntagged ? ['--delete-untagged'] : []), configPath];
  return new Promise((resolve, reject) => {
    execFile(
      'docker-registry',
      args,
      { env: registryEnv(), timeout: GC_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const printed = `${stdout}${stderr}`;
        if (error) reject(new Error(`docker-registry ${args.join(' ')} failed: ${printed}`));
        else resolve(printed);
      },
    );
  });
}

/**
 * REGISTRY_* variables override config.yml keys; one left in the environment would change what
 * the test thinks it configured.
 */
function registryEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')),
  );
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms));
}

/** The status of one GET, or undefined while nothing listens yet. */
function probe(url: string, ca?: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, { ca, agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
  });
}
