import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stopChild } from '../process/child-processes';
import { freePort } from '../process/free-port';
import { writeHtpasswd } from './htpasswd';
import type { OutputTail } from './output-tail';
import { renderRegistryConfig, type RegistryConfigInput } from './registry-config';
import { collectGarbage, launchRegistry, RegistryStartError } from './registry-process';
import type { RegistryUser } from './registry-user';
import { createTempDir, removeDir } from './temp-dir';
import {
  createTlsCertificates,
  createTokenSigningCertificate,
  type TlsCertificates,
} from './test-pki';
import { TokenServer } from './token-server';

export type RegistryAuth = 'none' | 'htpasswd' | 'token';

export interface RegistryOptions {
  auth?: RegistryAuth;
  tls?: boolean;
  /** Default: one user `tester` with a random password. */
  users?: RegistryUser[];
  notifications?: { url: string; headers?: Record<string, string[]> };
  /** Default: a fresh temp dir, removed on stop. A given dir is left in place. */
  storageDir?: string;
  /** Shown in errors, e.g. `source` / `target`. */
  name?: string;
  /** auth=token only: see TokenServer. */
  tokenTtlSeconds?: number;
  anonymousPull?: boolean;
}

const MAX_PORT_ATTEMPTS = 3;
const STOP_GRACE_MS = 5000;
const running = new Set<RegistryFixture>();

/** Everything `start` prepares before the process runs. */
interface Prepared {
  options: RegistryOptions;
  tempDir: string;
  storageDir: string;
  users: RegistryUser[];
  tls?: TlsCertificates;
  certDir?: string;
  tokenServer?: TokenServer;
  config: Omit<RegistryConfigInput, 'port'>;
}

/** A real CNCF distribution registry on a free loopback port, with fresh storage. */
export class RegistryFixture {
  readonly name: string;
  readonly auth: RegistryAuth;
  readonly users: RegistryUser[];
  readonly storageDir: string;
  /** A directory holding only `ca.crt`: skopeo's `--cert-dir` (a stray *.key there breaks it). */
  readonly certDir?: string;
  readonly caCertPem?: string;
  readonly caCertPath?: string;
  readonly tokenServer?: TokenServer;
  private stopped = false;

  private constructor(
    private readonly prepared: Prepared,
    readonly port: number,
    private child: ChildProcess,
    private output: OutputTail,
  ) {
    this.name = prepared.options.name ?? 'registry';
    this.auth = prepared.options.auth ?? 'none';
    this.users = prepared.users;
    this.storageDir = prepared.storageDir;
    this.certDir = prepared.certDir;
    this.caCertPem = prepared.tls?.ca.pem;
    this.caCertPath = prepared.tls?.ca.path;
    this.tokenServer = prepared.tokenServer;
  }

  static async start(options: RegistryOptions = {}): Promise<RegistryFixture> {
    const prepared = await prepare(options);
    try {
      const fixture = await RegistryFixture.launchOnFreePort(prepared);
      running.add(fixture);
      return fixture;
    } catch (error) {
      await prepared.tokenServer?.stop();
      removeDir(prepared.tempDir);
      throw error;
    }
  }

  /** Stops every fixture still running (an afterAll safety net). */
  static async stopAll(): Promise<void> {
    await Promise.all([...running].map((f) => f.stop()));
  }

  get tls(): boolean {
    return this.prepared.tls !== undefined;
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `${this.tls ? 'https' : 'http'}://${this.host}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The first user: what a test pushes and pulls with. */
  get credentials(): RegistryUser {
    return this.users[0];
  }

  /** The tail of the registry's own output (log level warn). */
  get logs(): string {
    return this.output.toString();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    running.delete(this);
    await stopChild(this.child, STOP_GRACE_MS);
    await this.tokenServer?.stop();
    removeDir(this.prepared.tempDir);
  }

  /**
   * Distribution's own garbage collection on this registry's storage, as an operator runs it:
   * the registry is stopped (GC must not race writes), `docker-registry garbage-collect
   * [--delete-untagged] <its config>` runs, and the registry starts again on the same port and
   * storage. Answers what the GC printed (`marking …`, `manifest eligible for deletion: …`).
   */
  async garbageCollect(options: { deleteUntagged?: boolean } = {}): Promise<string> {
    if (this.stopped) throw new Error(`${this.name} is stopped`);
    await stopChild(this.child, STOP_GRACE_MS);
    const printed = await collectGarbage(configPathOf(this.prepared), options.deleteUntagged);
    const { child, output } = await launchRegistry(
      configPathOf(this.prepared),
      this.url,
      this.caCertPem,
    );
    this.child = child;
    this.output = output;
    return printed;
  }

  /** Last resort when the test process exits: synchronous, no waiting. */
  killNow(): void {
    this.child.kill('SIGKILL');
    removeDir(this.prepared.tempDir);
  }

  /** Picking a free port races with other processes; a lost race shows as a bind error. */
  private static async launchOnFreePort(prepared: Prepared): Promise<RegistryFixture> {
    const configPath = configPathOf(prepared);
    const name = prepared.options.name ?? 'registry';
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      await writeFile(configPath, renderRegistryConfig({ ...prepared.config, port }));
      const url = `${prepared.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
      try {
        const { child, output } = await launchRegistry(configPath, url, prepared.tls?.ca.pem);
        return new RegistryFixture(prepared, port, child, output);
      } catch (error) {
        const retry =
          error instanceof RegistryStartError && error.portInUse && attempt < MAX_PORT_ATTEMPTS;
        if (!retry)
          throw new Error(
            `${name} failed to start (attempt ${attempt}): ${(error as Error).message}`,
          );
      }
    }
  }
}

async function prepare(options: RegistryOptions): Promise<Prepared> {
  const tempDir = createTempDir(`registry-${options.name ?? 'r'}`);
  try {
    const storageDir = options.storageDir ?? join(tempDir, 'storage');
    mkdirSync(storageDir, { recursive: true });
    const users = options.users ?? [
      { username: 'tester', password: randomBytes(12).toString('hex') },
    ];
    const prepared: Prepared = {
      options,
      tempDir,
      storageDir,
      users,
      config: { storageDir, notifications: options.notifications },
    };
    if (options.tls) await prepareTls(prepared);
    if (options.auth === 'htpasswd') await prepareHtpasswd(prepared);
    if (options.auth === 'token') await prepareToken(prepared);
    return prepared;
  } catch (error) {
    removeDir(tempDir);
    throw error;
  }
}

async function prepareTls(prepared: Prepared): Promise<void> {
  const tls = await createTlsCertificates(mkdir(prepared.tempDir, 'pki'));
  const certDir = mkdir(prepared.tempDir, 'certs');
  await copyFile(tls.ca.path, join(certDir, 'ca.crt'));
  prepared.tls = tls;
  prepared.certDir = certDir;
  prepared.config.tls = { certPath: tls.cert.path, keyPath: tls.key.path };
}

async function prepareHtpasswd(prepared: Prepared): Promise<void> {
  const path = join(prepared.tempDir, 'htpasswd');
  await writeHtpasswd(path, prepared.users);
  prepared.config.htpasswdPath = path;
}

async function prepareToken(prepared: Prepared): Promise<void> {
  const signing = await createTokenSigningCertificate(mkdir(prepared.tempDir, 'token'));
  const { options, users } = prepared;
  const service = `airlock-test-${options.name ?? 'registry'}`;
  const issuer = 'airlock-test-token-issuer';
  const { tokenTtlSeconds, anonymousPull } = options;
  prepared.tokenServer = await TokenServer.start({
    service,
    issuer,
    users,
    signing,
    tokenTtlSeconds,
    anonymousPull,
  });
  const realm = prepared.tokenServer.realm;
  prepared.config.token = { realm, service, issuer, rootCertBundlePath: signing.cert.path };
}

function configPathOf(prepared: Prepared): string {
  return join(prepared.tempDir, 'config.yml');
}

function mkdir(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

process.once('exit', () => {
  for (const fixture of running) fixture.killNow();
});
