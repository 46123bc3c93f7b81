import { AuditService, type AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import { TransactionRunner } from '@airlock/persistence';
import { RegistriesService, type Registry } from '@airlock/registries';
import { encodeCursor, fieldProblem, invalidInput } from '@airlock/validation';
import { Injectable } from '@nestjs/common';
import { IntegritySchedules } from './integrity-schedules';
import {
  checkFindingId,
  INTEGRITY_FINDINGS_LIMIT,
  readAcknowledge,
  readIntegrityFilters,
  readIntegrityRunQuery,
  readIntegrityRunRequest,
} from './integrity-rules';
import {
  toFindingView,
  toRunView,
  type FindingView,
  type IntegrityOverview,
  type IntegrityRunPage,
  type IntegrityRunsQueued,
} from './integrity-view';
import { IntegrityRepository } from './integrity.repository';

/**
 * The integrity audit as the API offers it: the overview (the newest run per registry, the
 * findings), the run history, runs queued by hand and acknowledgements. Takes requests as they
 * came (the one owner of their validation).
 */
@Injectable()
export class IntegrityService {
  constructor(
    private readonly repository: IntegrityRepository,
    private readonly registries: RegistriesService,
    private readonly schedules: IntegritySchedules,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  async overview(query: unknown = {}): Promise<IntegrityOverview> {
    const filters = readIntegrityFilters(query);
    const registry = filters.registry === undefined ? undefined : await this.prod(filters.registry);
    const [runs, findings] = await Promise.all([
      this.repository.latestRuns(),
      this.repository.listFindings({
        registryId: registry?.id,
        repository: filters.repository,
        kind: filters.kind,
        status: filters.status,
        limit: INTEGRITY_FINDINGS_LIMIT,
      }),
    ]);
    return {
      runs: runs.filter((r) => !registry || r.registryId === registry.id).map(toRunView),
      findings: findings.map(toFindingView),
    };
  }

  /** Newest first, keyset pages of 1-100 runs. */
  async runs(query: unknown = {}): Promise<IntegrityRunPage> {
    const { registry: name, limit, before } = readIntegrityRunQuery(query);
    const registry = name === undefined ? undefined : await this.prod(name);
    const rows = await this.repository.listRuns(limit + 1, registry?.id, before);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toRunView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAtKey, last.id) : null,
    };
  }

  /**
   * Queues a run of one registry of role `prod`, or of each. The runs are stored first, then
   * queued; a queue that is down fails them at once (503) rather than leaving them waiting.
   */
  async queueRuns(input: unknown, actor: AuditActor): Promise<IntegrityRunsQueued> {
    const request = readIntegrityRunRequest(input ?? {});
    const targets =
      request.registry === undefined
        ? await this.registries.withRole('prod')
        : [await this.prod(request.registry)];
    const runs = await this.transactions.run(async (tx) => {
      const queued = [];
      for (const registry of targets)
        queued.push(await this.repository.insertQueued(registry.id, tx));
      await this.audit.record(
        {
          actor,
          action: 'integrity.run_requested',
          subject: { type: 'integrity_run', id: null },
          after: { runs: queued.map((r) => ({ id: r.id, registry: r.registry })) },
        },
        tx,
      );
      return queued;
    });
    try {
      for (const run of runs) await this.schedules.queueRun(run.registryId, run.id);
    } catch (error) {
      const message = `the job queue is unavailable, the run was not queued: ${(error as Error).message}`;
      for (const run of runs)
        await this.repository.finish(run.id, {
          status: 'failed',
          repositoriesChecked: 0,
          tagsChecked: 0,
          digestsChecked: 0,
          findings: 0,
          newFindings: 0,
          resolvedFindings: 0,
          partial: true,
          reason: message,
          errorCode: 'DEPENDENCY_UNAVAILABLE',
          errorMessage: message,
        });
      throw new AirlockError('DEPENDENCY_UNAVAILABLE', message);
    }
    return { items: runs.map(toRunView) };
  }

  /** Marks a finding known and accepted; it stays until a run no longer sees it. Audited. */
  async acknowledge(id: unknown, input: unknown, actor: AuditActor): Promise<FindingView> {
    const findingId = checkFindingId(id);
    const { comment } = readAcknowledge(input);
    return this.transactions.run(async (tx) => {
      const found = await this.repository.findFinding(findingId, tx);
      if (!found)
        throw new AirlockError('NOT_FOUND', `No integrity finding ${findingId}`, {
          details: { id: findingId },
        });
      if (found.status === 'resolved')
        throw new AirlockError(
          'CONFLICT',
          `Integrity finding ${findingId} is resolved; only an open finding can be acknowledged`,
          { details: { id: findingId, status: found.status } },
        );
      const after = toFindingView(
        await this.repository.acknowledge(
          findingId,
          { tokenId: actor.tokenId, name: actor.name },
          comment,
          tx,
        ),
      );
      await this.audit.record(
        {
          actor,
          action: 'integrity.finding_acknowledged',
          subject: { type: 'integrity_finding', id: findingId },
          before: toFindingView(found),
          after,
        },
        tx,
      );
      return after;
    });
  }

  /** A registry of role `prod` by name: 400 naming `registry` otherwise. */
  private async prod(name: string): Promise<Registry> {
    const registry = await this.registries.find(name);
    if (registry?.role === 'prod') return registry;
    throw invalidInput([
      registry
        ? fieldProblem(
            'registry',
            'role',
            `registry must be a registry of role prod; "${name}" is ${registry.role}`,
          )
        : fieldProblem(
            'registry',
            'exists',
            `registry must name a registry of role prod; there is no "${name}"`,
          ),
    ]);
  }
}
