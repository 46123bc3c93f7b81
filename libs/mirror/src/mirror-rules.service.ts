import { AuditService, type AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import { constraintViolationOf, TransactionRunner, type Transaction } from '@airlock/persistence';
import { RegistriesService, type Registry } from '@airlock/registries';
import { encodeCursor, fieldProblem, invalidInput, type FieldRule } from '@airlock/validation';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  checkRuleName,
  checkRunParams,
  readArchivedQuery,
  readMirrorRuleUpdate,
  readNewMirrorRule,
  readRunQuery,
  type MirrorRuleRequest,
  type MirrorRuleUpdate,
} from './mirror-rules';
import { MirrorSchedules } from './mirror-schedules';
import {
  toArchivedDigestView,
  toMirrorRuleView,
  toMirrorRunView,
  type ArchivedDigestView,
  type MirrorRuleView,
  type MirrorRunPage,
  type MirrorRunView,
  type SyncRequested,
} from './mirror-view';
import {
  MirrorRepository,
  type MirrorRuleChanges,
  type MirrorRuleRow,
  type NewMirrorRule,
} from './mirror.repository';

/**
 * Mirror rules (admin): their schedules, "sync now", run history and the archived digests. Takes
 * requests as they came (the one owner of their validation).
 */
@Injectable()
export class MirrorRulesService {
  private readonly logger = new Logger(MirrorRulesService.name);

  constructor(
    private readonly mirrors: MirrorRepository,
    private readonly registries: RegistriesService,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly schedules: MirrorSchedules,
  ) {}

  async create(input: unknown, actor: AuditActor): Promise<MirrorRuleView> {
    const request = readNewMirrorRule(input);
    const rule = await this.transactions.run(async (tx) => {
      const row = await this.mirrors
        .insertRule(await this.newRule(request, tx), tx)
        .catch((error: unknown) => {
          throw constraintViolationOf(error)?.kind === 'unique'
            ? new AirlockError('CONFLICT', `A mirror rule named "${request.name}" already exists`)
            : error;
        });
      await this.audit.record(
        {
          actor,
          action: 'mirror_rule.created',
          subject: { type: 'mirror_rule', id: row.id },
          after: toMirrorRuleView(row),
        },
        tx,
      );
      return row;
    });
    await this.applySchedule(rule);
    return toMirrorRuleView(rule);
  }

  async list(): Promise<MirrorRuleView[]> {
    return (await this.mirrors.listRules()).map(toMirrorRuleView);
  }

  async show(name: unknown): Promise<MirrorRuleView> {
    return toMirrorRuleView(await this.require(checkRuleName(name)));
  }

  async update(name: unknown, input: unknown, actor: AuditActor): Promise<MirrorRuleView> {
    const ruleName = checkRuleName(name);
    const request = readMirrorRuleUpdate(input);
    const rule = await this.transactions.run(async (tx) => {
      const before = await this.require(ruleName, tx, true);
      const after = await this.mirrors.updateRule(
        before.id,
        await this.changes(before, request, tx),
        tx,
      );
      await this.audit.record(
        {
          actor,
          action: 'mirror_rule.updated',
          subject: { type: 'mirror_rule', id: before.id },
          before: toMirrorRuleView(before),
          after: toMirrorRuleView(after),
        },
        tx,
      );
      return after;
    });
    await this.applySchedule(rule);
    return toMirrorRuleView(rule);
  }

  /** The rule and its run history go; the archived digests stay (in the Archive and listed by digest). */
  async delete(name: unknown, actor: AuditActor): Promise<void> {
    const ruleName = checkRuleName(name);
    const rule = await this.transactions.run(async (tx) => {
      const row = await this.require(ruleName, tx, true);
      await this.mirrors.deleteRule(row.id, tx);
      await this.audit.record(
        {
          actor,
          action: 'mirror_rule.deleted',
          subject: { type: 'mirror_rule', id: row.id },
          before: toMirrorRuleView(row),
        },
        tx,
      );
      return row;
    });
    // Left behind if Redis is down: the workers' reconcile pass removes it.
    await this.schedules.remove(rule.id).catch((error: unknown) => {
      this.logger.warn(
        `could not remove the scheduler of mirror rule "${ruleName}": ${(error as Error).message}`,
      );
    });
  }

  /** Queues a sync of the rule now, whatever its schedule or enabled flag says. */
  async syncNow(name: unknown, actor: AuditActor): Promise<SyncRequested> {
    const rule = await this.require(checkRuleName(name));
    const jobId = await this.schedules
      .syncNow(rule.id, actor.requestId ?? randomUUID())
      .catch((error: unknown) => {
        throw new AirlockError(
          'DEPENDENCY_UNAVAILABLE',
          `the job queue is unavailable, the sync was not queued: ${(error as Error).message}`,
        );
      });
    await this.audit.record({
      actor,
      action: 'mirror_rule.sync_requested',
      subject: { type: 'mirror_rule', id: rule.id },
      after: { rule: rule.name, jobId },
    });
    return { rule: rule.name, jobId };
  }

  /** Newest first, keyset pages of 1-100 runs. */
  async runs(name: unknown, query: unknown): Promise<MirrorRunPage> {
    const ruleName = checkRuleName(name);
    const { limit, before } = readRunQuery(query);
    const rule = await this.require(ruleName);
    const rows = await this.mirrors.listRuns(
      rule.id,
      limit + 1,
      before && { startedAtKey: before.createdAtKey, id: before.id },
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => toMirrorRunView(row, rule.name)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.startedAtKey, last.id) : null,
    };
  }

  async run(name: unknown, runId: unknown): Promise<MirrorRunView> {
    const params = checkRunParams(name, runId);
    const rule = await this.require(params.name);
    const row = await this.mirrors.findRun(rule.id, params.runId);
    if (!row)
      throw new AirlockError('NOT_FOUND', `Mirror rule "${rule.name}" has no run ${params.runId}`);
    return toMirrorRunView(row, rule.name);
  }

  /** Every digest archived for the rule's archive repository, per tag, newest sighting first. */
  async archived(name: unknown, query: unknown): Promise<ArchivedDigestView[]> {
    const ruleName = checkRuleName(name);
    const { tag } = readArchivedQuery(query);
    const rule = await this.require(ruleName);
    return (
      await this.mirrors.listArchived(rule.archiveRegistryId, rule.archiveRepository, tag)
    ).map(toArchivedDigestView);
  }

  /** The row of a new rule: its registries looked up, its archive repository its own. */
  private async newRule(request: MirrorRuleRequest, tx: Transaction): Promise<NewMirrorRule> {
    const upstream = await this.registry('upstream.registry', request.upstream.registry, tx);
    const archive = await this.archiveRegistry(request.archive.registry, tx);
    await this.refuseSharedArchive(archive, request.archive.repository, null, tx);
    return {
      name: request.name,
      upstreamRegistryId: upstream.id,
      upstreamRepository: request.upstream.repository,
      tagSelection: request.tags,
      archiveRegistryId: archive.id,
      archiveRepository: request.archive.repository,
      schedule: request.schedule,
      enabled: request.enabled ?? true,
    };
  }

  /** What an update changes; the registries it names looked up. */
  private async changes(
    rule: MirrorRuleRow,
    request: MirrorRuleUpdate,
    tx: Transaction,
  ): Promise<MirrorRuleChanges> {
    const changes: MirrorRuleChanges = {
      tagSelection: request.tags,
      schedule: request.schedule,
      enabled: request.enabled,
    };
    if (request.upstream !== undefined) {
      const upstream = await this.registry('upstream.registry', request.upstream.registry, tx);
      changes.upstreamRegistryId = upstream.id;
      changes.upstreamRepository = request.upstream.repository;
    }
    if (request.archive !== undefined) {
      const archive = await this.archiveRegistry(request.archive.registry, tx);
      await this.refuseSharedArchive(archive, request.archive.repository, rule.id, tx);
      changes.archiveRegistryId = archive.id;
      changes.archiveRepository = request.archive.repository;
    }
    return changes;
  }

  private async require(name: string, tx?: Transaction, lock = false): Promise<MirrorRuleRow> {
    const rule = await this.mirrors.findRule({ name }, tx, lock);
    if (!rule) throw new AirlockError('NOT_FOUND', `No mirror rule named "${name}"`);
    return rule;
  }

  private async registry(field: string, name: string, tx: Transaction): Promise<Registry> {
    const registry = await this.registries.find(name, tx);
    if (!registry) throw invalid(field, 'exists', `${field}: no registry named "${name}"`);
    return registry;
  }

  private async archiveRegistry(name: string, tx: Transaction): Promise<Registry> {
    const registry = await this.registry('archive.registry', name, tx);
    if (registry.role !== 'archive')
      throw invalid(
        'archive.registry',
        'role',
        `archive.registry: registry "${name}" has role "${registry.role}"; mirrors write only to a registry of role "archive"`,
      );
    return registry;
  }

  /** Two rules writing one archive repository would move each other's tags. */
  private async refuseSharedArchive(
    archive: Registry,
    repository: string,
    ruleId: string | null,
    tx: Transaction,
  ): Promise<void> {
    const other = (await this.mirrors.listRules(tx)).find(
      (r) =>
        r.id !== ruleId && r.archiveRegistryId === archive.id && r.archiveRepository === repository,
    );
    if (other)
      throw new AirlockError(
        'CONFLICT',
        `mirror rule "${other.name}" already archives into ${archive.name}/${repository}`,
      );
  }

  /** After the commit; when Redis is down the workers' reconcile pass applies it later. */
  private async applySchedule(rule: MirrorRuleRow): Promise<void> {
    await this.schedules.apply(rule).catch((error: unknown) => {
      this.logger.warn(
        `could not apply the schedule of mirror rule "${rule.name}" (the workers will): ${(error as Error).message}`,
      );
    });
  }
}

function invalid(field: string, rule: FieldRule, message: string): AirlockError {
  return invalidInput([fieldProblem(field, rule, message)]);
}
