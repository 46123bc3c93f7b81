import { AuditService, type AuditActor } from '@airlock/audit';
import { SecretBox, UnreadableSecretError } from '@airlock/crypto';
import { AirlockError } from '@airlock/errors';
import { constraintViolationOf, TransactionRunner, type Transaction } from '@airlock/persistence';
import { RegistryError, type RegistryClient } from '@airlock/registry-client';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RegistryClientFactory } from './registry-client-factory';
import { sealCredentials, type RegistryCredentials } from './registry-credentials';
import type { RegistryCheckResult, RegistryTlsSettings } from './registry-requests';
import { checkRegistryName, readNewRegistry, readRegistryUpdate } from './registry-rules';
import { toRegistryView, type RegistryView } from './registry-view';
import {
  RegistryRepository,
  type Registry,
  type RegistryChanges,
  type RegistryRole,
} from './registry.repository';

// A check answers within seconds: one attempt, short timeouts (the worker's clients keep the defaults).
const CHECK_OPTIONS = {
  retry: { maxAttempts: 1 },
  timeouts: { connectMs: 5_000, headersMs: 10_000, idleMs: 10_000 },
};

// Tables whose rows keep a registry from being deleted (FK RESTRICT), in words.
const REFERENCING_TABLES: Record<string, string> = {
  stage_registries: 'a stage',
  image_locations: 'images recorded in it',
  promotions: 'promotions (as their source)',
  promotion_targets: 'promotion targets',
  mirror_rules: 'mirror rules',
};

/**
 * Registries: the OCI endpoints Airlock reads from and writes to, with sealed credentials. Takes
 * requests as they came (the one owner of their validation) and is how other features learn
 * about registries. Credentials are sealed before any statement carries them.
 */
@Injectable()
export class RegistriesService {
  constructor(
    private readonly registries: RegistryRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly box: SecretBox,
    private readonly clients: RegistryClientFactory,
  ) {}

  /** A `POST /registries` body as it came. */
  async create(input: unknown, actor: AuditActor): Promise<RegistryView> {
    const request = readNewRegistry(input);
    const id = randomUUID();
    const row = {
      id,
      name: request.name,
      url: request.url,
      role: request.role,
      ...this.sealed(id, request.credentials),
      ...tlsColumns(request.tls),
    };
    return this.transactions.run(async (tx) => {
      if (await this.registries.findByName(row.name, tx)) throw duplicate(row.name);
      const created = await this.registries.insert(row, tx).catch((error: unknown) => {
        throw constraintViolationOf(error)?.kind === 'unique' ? duplicate(row.name) : error;
      });
      const view = toRegistryView(created);
      await this.audit.record(
        { actor, action: 'registry.created', subject: { type: 'registry', id }, after: view },
        tx,
      );
      return view;
    });
  }

  async list(): Promise<RegistryView[]> {
    return (await this.registries.list()).map(toRegistryView);
  }

  /** `name` as the path gave it. */
  async show(name: unknown): Promise<RegistryView> {
    return toRegistryView(await this.require(checkRegistryName(name)));
  }

  /**
   * The rows themselves are for features that talk to a registry (through RegistryClientFactory)
   * or refer to one: the registry named so, or null.
   */
  find(name: string, tx?: Transaction): Promise<Registry | null> {
    return this.registries.findByName(name, tx);
  }

  findById(id: string, tx?: Transaction): Promise<Registry | null> {
    return this.registries.findById(id, tx);
  }

  /** The registries of these names that exist (for features that refer to registries by name). */
  findByNames(names: string[], tx?: Transaction): Promise<Registry[]> {
    return this.registries.findByNames(names, tx);
  }

  /** The registries of this role, by name (the integrity audit holds every `prod` one). */
  async withRole(role: RegistryRole): Promise<Registry[]> {
    return (await this.registries.list()).filter((r) => r.role === role);
  }

  /** The registry named so, or NOT_FOUND. */
  async require(name: string, tx?: Transaction): Promise<Registry> {
    const registry = await this.registries.findByName(name, tx);
    if (!registry) throw noRegistry(name);
    return registry;
  }

  /** The registries named so, in the order given, read in one statement; NOT_FOUND names the first missing. */
  async requireMany(names: string[], tx?: Transaction): Promise<Registry[]> {
    const found = new Map(
      (await this.registries.findByNames([...new Set(names)], tx)).map((r) => [r.name, r]),
    );
    return names.map((name) => {
      const registry = found.get(name);
      if (!registry) throw noRegistry(name);
      return registry;
    });
  }

  /** `name` as the path gave it, a `PATCH` body as it came. */
  async update(name: unknown, input: unknown, actor: AuditActor): Promise<RegistryView> {
    const registryName = checkRegistryName(name);
    const request = readRegistryUpdate(input);
    return this.transactions.run(async (tx) => {
      const before = await this.require(registryName, tx);
      const changes: RegistryChanges = {};
      if (request.url !== undefined) changes.url = request.url;
      if (request.role !== undefined) changes.role = request.role;
      if (request.credentials !== undefined)
        Object.assign(changes, this.sealed(before.id, request.credentials));
      if (request.tls !== undefined) Object.assign(changes, tlsColumns(request.tls));
      if (Object.keys(changes).length === 0) return toRegistryView(before);
      const after = await this.registries.update(before.id, changes, tx);
      const view = toRegistryView(after);
      await this.audit.record(
        {
          actor,
          action: 'registry.updated',
          subject: { type: 'registry', id: before.id },
          before: toRegistryView(before),
          after: view,
        },
        tx,
      );
      return view;
    });
  }

  /** Refused (409) while anything uses the registry; the answer names what. */
  async delete(registryName: unknown, actor: AuditActor): Promise<void> {
    const name = checkRegistryName(registryName);
    await this.transactions.run(async (tx) => {
      const registry = await this.require(name, tx);
      const stages = await this.registries.stagesUsing(registry.id, tx);
      if (stages.length > 0) {
        throw new AirlockError(
          'CONFLICT',
          `Registry "${name}" serves stage${stages.length > 1 ? 's' : ''} ${stages.map((s) => `"${s}"`).join(', ')}; remove it from them first`,
          { details: { name, usedBy: { stages } } },
        );
      }
      await this.registries.delete(registry.id, tx).catch((error: unknown) => {
        const violation = constraintViolationOf(error);
        if (violation?.kind !== 'foreignKey') throw error;
        const what =
          REFERENCING_TABLES[violation.table ?? ''] ?? violation.table ?? 'other records';
        throw new AirlockError(
          'CONFLICT',
          `Registry "${name}" is still referenced by ${what}; it cannot be deleted`,
          {
            details: { name, usedBy: { table: violation.table } },
          },
        );
      });
      await this.audit.record(
        {
          actor,
          action: 'registry.deleted',
          subject: { type: 'registry', id: registry.id },
          before: toRegistryView(registry),
        },
        tx,
      );
    });
  }

  /** `GET /v2/` with the registry's credentials: reachability, TLS trust and login in one request. */
  async check(name: unknown): Promise<RegistryCheckResult> {
    const registry = await this.require(checkRegistryName(name));
    let client: RegistryClient;
    try {
      client = this.clients.create(registry, CHECK_OPTIONS);
    } catch (error) {
      const failed = credentialsFailure(registry.name, error);
      if (failed) return failed;
      throw error;
    }
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      await client.ping();
      return { ok: true, latencyMs: latency() };
    } catch (error) {
      if (error instanceof RegistryError)
        return { ok: false, code: error.code, problem: error.message, latencyMs: latency() };
      throw error;
    }
  }

  private sealed(id: string, credentials: RegistryCredentials | null | undefined): SealedColumns {
    if (!credentials) return { credentialsUsername: null, credentialsCiphertext: null };
    return {
      credentialsUsername: credentials.username,
      credentialsCiphertext: sealCredentials(this.box, id, credentials),
    };
  }
}

interface SealedColumns {
  credentialsUsername: string | null;
  credentialsCiphertext: Buffer | null;
}

function tlsColumns(tls: RegistryTlsSettings | null | undefined): {
  tlsCaPem: string | null;
  tlsInsecure: boolean;
} {
  return {
    tlsCaPem: tls?.caPem ? tls.caPem : null,
    tlsInsecure: tls?.insecure ?? false,
  };
}

/**
 * A check that cannot start because the stored credentials cannot be opened — sealed under
 * another AIRLOCK_SECRET_KEY, or no key configured — answered as what failed, like any other.
 */
function credentialsFailure(name: string, error: unknown): RegistryCheckResult | null {
  if (error instanceof AirlockError && error.code === 'NOT_CONFIGURED')
    return { ok: false, code: 'NOT_CONFIGURED', problem: error.message, latencyMs: 0 };
  if (!(error instanceof UnreadableSecretError)) return null;
  return {
    ok: false,
    code: 'CREDENTIALS_UNREADABLE',
    problem:
      `The stored credentials of registry "${name}" cannot be decrypted: AIRLOCK_SECRET_KEY is not ` +
      'the key they were sealed with, or the stored bytes were altered. Start Airlock with that key, ' +
      'or set the credentials again (PATCH the registry with credentials).',
    latencyMs: 0,
  };
}

function duplicate(name: string): AirlockError {
  return new AirlockError('CONFLICT', `A registry named "${name}" already exists`, {
    details: { name },
  });
}

function noRegistry(name: string): AirlockError {
  return new AirlockError('NOT_FOUND', `No registry named "${name}"`, { details: { name } });
}
