import { readFileSync } from 'node:fs';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { checkAttestations, type CheckedAttestation } from '@airlock/attestations/verify';
import { RegistryClient, RegistryError } from '@airlock/registry-client';
import type { Command } from 'commander';
import { UsageError } from './connection';
import { ExitCode, type ExitCode as Code } from './exit-codes';
import { writeJson, writeLines, type CliIo } from './output';

export interface VerifyOptions {
  stage?: string;
  key?: string;
  plainHttp?: boolean;
  username?: string;
  json?: boolean;
}

const REFERENCE = /^([^/@]+)\/([^@]+)@(sha256:[a-f0-9]{64})$/;
const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

/** `airlock verify <host>/<repo>@<digest>`: the promotion attestations, checked offline. */
export function addVerifyCommand(program: Command, io: CliIo, done: (code: Code) => void): void {
  program
    .command('verify')
    .description(
      "Verify Airlock's signed promotion attestations of a digest, reading only the registry: " +
        'the signature (with --key, or the keys Airlock publishes at $AIRLOCK_URL/api/v1/signing-keys), ' +
        'the subject digest and, with --stage, the stage attested.',
    )
    .argument('<reference>', 'host/repository@sha256:…')
    .option('--stage <stage>', 'require an attestation of this stage, e.g. prod')
    .option('--key <file>', 'PEM public key(s) to verify with (else fetched from AIRLOCK_URL)')
    .option('--plain-http', 'talk to the registry over http (a local registry)')
    .option('--username <name>', 'registry user; the password comes from AIRLOCK_REGISTRY_PASSWORD')
    .option('--json', 'print every attestation checked as JSON')
    .action(async (reference: string, options: VerifyOptions) => {
      done(await verify(io, reference, options));
    });
}

export async function verify(io: CliIo, reference: string, options: VerifyOptions): Promise<Code> {
  const match = REFERENCE.exec(reference.trim());
  if (!match) throw new UsageError(`"${reference}" is not host/repository@sha256:<64 hex>`);
  const [, host, repository, digest] = match as unknown as [string, string, string, string];
  const keys = options.key ? keysFromFile(options.key) : await publishedKeys(io);
  const password = io.env.AIRLOCK_REGISTRY_PASSWORD;
  const registry = new RegistryClient({
    name: host,
    url: `${options.plainHttp ? 'http' : 'https'}://${host}`,
    credentials: options.username
      ? { username: options.username, password: password ?? '' }
      : undefined,
  });
  let checked: CheckedAttestation[];
  try {
    checked = await checkAttestations(registry, repository, digest, keys, options.stage);
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    io.stderr.write(`error: ${error.message}\n`);
    return ExitCode.unavailable;
  }
  if (options.json) writeJson(io.stdout, checked);
  const good = checked.filter((c) => c.verified);
  if (!options.json) writeLines(io.stdout, good.map(describe));
  if (good.length > 0) return ExitCode.ok;
  if (!options.json)
    for (const bad of checked)
      io.stderr.write(`not verified: ${bad.source} ${bad.digest}: ${bad.problem}\n`);
  io.stderr.write(
    `error: no verified Airlock attestation${options.stage ? ` of stage ${options.stage}` : ''} for ${host}/${repository}@${digest} (${checked.length} checked)\n`,
  );
  return ExitCode.refused;
}

function describe(c: CheckedAttestation): string {
  const a = (c.statement!.predicate as { airlock?: Record<string, unknown> }).airlock ?? {};
  const target = a.target as { stage?: string; registry?: string } | undefined;
  const source = a.source as { stage?: string | null } | undefined;
  const gates = (a.gates as Array<{ gate: string; status: string }> | undefined) ?? [];
  const approvals = (a.approvals as Array<{ approver: string }> | undefined) ?? [];
  const by = (a.requestedBy as { name?: string | null } | undefined)?.name ?? 'unknown';
  return [
    `verified (${c.source}, key ${c.keyId!.slice(0, 12)}): promotion ${String(a.promotionId)} ` +
      `${source?.stage ?? '?'} → ${target?.stage ?? '?'} (${target?.registry ?? '?'}), requested by ${by} at ${String(a.requestedAt)}`,
    `  gates: ${gates.map((g) => `${g.gate} ${g.status}`).join(', ') || 'none'}`,
    `  approvals: ${approvals.map((p) => p.approver).join(', ') || 'none'}`,
  ].join('\n');
}

function keysFromFile(path: string): KeyObject[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--key: cannot read ${path} (${(error as Error).message})`);
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new UsageError(`--key: ${path} holds no PEM public key`);
  return blocks.map((b) => createPublicKey(b));
}

async function publishedKeys(io: CliIo): Promise<KeyObject[]> {
  const base = io.env.AIRLOCK_URL;
  if (!base) throw new UsageError('give --key, or AIRLOCK_URL to fetch the signing keys from');
  const response = await (io.fetch ?? fetch)(new URL('/api/v1/signing-keys', base));
  if (!response.ok) throw new UsageError(`GET /api/v1/signing-keys answered ${response.status}`);
  const body = (await response.json()) as { keys: Array<{ publicKeyPem: string }> };
  if (body.keys.length === 0)
    throw new UsageError('Airlock publishes no signing key (none configured)');
  return body.keys.map((k) => createPublicKey(k.publicKeyPem));
}
