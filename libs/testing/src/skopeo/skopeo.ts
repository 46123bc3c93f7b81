import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, removeDir } from '../registry/temp-dir';

/**
 * How skopeo reaches one registry. A RegistryFixture has this shape (credentials, certDir, tls),
 * so it can be passed as it is; spread it and it loses its getters, so spell fields out instead.
 */
export interface SkopeoAccess {
  credentials?: { username: string; password: string };
  /** A directory of CA files (`*.crt`), e.g. RegistryFixture.certDir. */
  certDir?: string;
  /** false for a plain-HTTP registry (`--tls-verify=false`). Default true. */
  tls?: boolean;
  /** Send no credentials at all (`--no-creds`), even if `credentials` is set. */
  anonymous?: boolean;
}

export interface SkopeoCopyOptions {
  src?: SkopeoAccess;
  dest?: SkopeoAccess;
  /** `--all`: every platform of an index, the index itself included. Default true. */
  all?: boolean;
  /** `--preserve-digests`: fail rather than convert a manifest. Default true. */
  preserveDigests?: boolean;
}

const TIMEOUT_MS = 55000;
const TRANSPORTS = /^(docker|oci|oci-archive|dir|docker-archive|docker-daemon|containers-storage):/;

/** The skopeo CLI as an independent client: what Airlock pushed must read back the same here. */
export class Skopeo {
  /** The manifest exactly as the registry serves it. */
  static async inspectRaw(ref: string, access: SkopeoAccess = {}): Promise<Buffer> {
    return run(['inspect', '--raw', ...accessFlags('', access), dockerRef(ref)]);
  }

  /**
   * sha256 of the raw manifest. Not `inspect --format {{.Digest}}`: for an index that picks one
   * platform's manifest.
   */
  static async inspectDigest(ref: string, access: SkopeoAccess = {}): Promise<string> {
    const raw = await Skopeo.inspectRaw(ref, access);
    return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  }

  static async copy(src: string, dest: string, options: SkopeoCopyOptions = {}): Promise<void> {
    const flags = [
      ...accessFlags('src-', options.src ?? {}),
      ...accessFlags('dest-', options.dest ?? {}),
    ];
    if (options.all ?? true) flags.push('--all');
    if (options.preserveDigests ?? true) flags.push('--preserve-digests');
    await run(['copy', ...flags, dockerRef(src), dockerRef(dest)]);
  }

  /** Tags of `host/repository` (no tag or digest in `repository`). */
  static async listTags(repository: string, access: SkopeoAccess = {}): Promise<string[]> {
    const out = await run(['list-tags', ...accessFlags('', access), dockerRef(repository)]);
    return (JSON.parse(out.toString()) as { Tags: string[] | null }).Tags ?? [];
  }
}

/** `127.0.0.1:5000/app:1` → `docker://127.0.0.1:5000/app:1`; explicit transports are kept. */
function dockerRef(ref: string): string {
  return TRANSPORTS.test(ref) ? ref : `docker://${ref}`;
}

function accessFlags(prefix: '' | 'src-' | 'dest-', access: SkopeoAccess): string[] {
  const flags: string[] = [];
  if (access.anonymous) flags.push(`--${prefix}no-creds`);
  else if (access.credentials)
    flags.push(`--${prefix}creds`, `${access.credentials.username}:${access.credentials.password}`);
  if (access.certDir) flags.push(`--${prefix}cert-dir`, access.certDir);
  if (access.tls === false) flags.push(`--${prefix}tls-verify=false`);
  return flags;
}

async function run(args: string[]): Promise<Buffer> {
  const dir = createWorkDir();
  try {
    return await execSkopeo(dir, args);
  } finally {
    removeDir(dir);
  }
}

function execSkopeo(dir: string, args: string[]): Promise<Buffer> {
  const global = [
    '--policy',
    join(dir, 'policy.json'),
    '--registries.d',
    join(dir, 'registries.d'),
    '--tmpdir',
    join(dir, 'tmp'),
  ];
  const options = {
    env: isolatedEnv(dir),
    encoding: 'buffer' as const,
    timeout: TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    execFile('skopeo', [...global, ...args], options, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      reject(
        new Error(
          `skopeo ${redact(args).join(' ')} failed (${error.code ?? error.signal}): ${stderr.toString().trim()}`,
        ),
      );
    });
  });
}

/** Keeps passwords out of error messages (they are in argv: test credentials only). */
function redact(args: string[]): string[] {
  return args.map((arg, i) =>
    /^--(src-|dest-)?creds$/.test(args[i - 1] ?? '') ? arg.replace(/:.*/, ':***') : arg,
  );
}

/**
 * skopeo reads auth files, registries.conf and policy from HOME and /etc; pointing HOME, XDG dirs
 * and CONTAINERS_REGISTRIES_CONF at a private dir makes runs independent of the machine's setup.
 */
function isolatedEnv(dir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_RUNTIME_DIR: join(dir, 'run'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
    REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
  };
}

/** One per call (a few small files): nothing to clean up later, nothing shared between calls. */
function createWorkDir(): string {
  const dir = createTempDir('skopeo');
  for (const sub of ['registries.d', 'tmp', 'run', 'config']) mkdirSync(join(dir, sub));
  writeFileSync(
    join(dir, 'policy.json'),
    JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }),
  );
  writeFileSync(join(dir, 'registries.conf'), 'unqualified-search-registries = []\n');
  writeFileSync(join(dir, 'auth.json'), '{"auths":{}}\n');
  return dir;
}
