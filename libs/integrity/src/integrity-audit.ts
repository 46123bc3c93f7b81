import { AppConfig } from '@airlock/config';
import { AirlockError, errorSummary } from '@airlock/errors';
import { Metrics } from '@airlock/observability';
import { TransactionRunner } from '@airlock/persistence';
import { RegistriesService, RegistryClientFactory, type Registry } from '@airlock/registries';
import { Injectable, Logger } from '@nestjs/common';
import { FindingRecorder } from './finding-recorder';
import { compareWithLedger, FINDING_KINDS } from './integrity-comparison';
import { IntegrityLedger } from './integrity-ledger';
import { toRunView, type IntegrityRunView } from './integrity-view';
import { IntegrityRepository, type IntegrityRunRow } from './integrity.repository';
import { RegistryAuditLock } from './registry-audit-lock';
import { RegistryScan, type ScanResult } from './registry-scan';

/** How long a run queued by hand waits for a running audit of the same registry. */
const MANUAL_WAIT_MS = 60_000;

/**
 * One audit of one registry: read the ledger (asking images and promotions), read the registry
 * (RegistryScan: lists and HEADs, outside any transaction), compare (pure), then one short
 * transaction writes the findings, their `integrity.violation` events and the run's outcome.
 * A registry that fails mid-run fails the run with the error's code and keeps what it found.
 */
@Injectable()
export class IntegrityAudit {
  private readonly logger = new Logger(IntegrityAudit.name);

  constructor(
    private readonly config: AppConfig,
    private readonly runs: IntegrityRepository,
    private readonly lock: RegistryAuditLock,
    private readonly registries: RegistriesService,
    private readonly clients: RegistryClientFactory,
    private readonly ledger: IntegrityLedger,
    private readonly recorder: FindingRecorder,
    private readonly transactions: TransactionRunner,
    private readonly metrics: Metrics,
  ) {}

  /**
   * The run of a scheduler tick; null when there is nothing to do: the registry is gone or no
   * longer `prod`, the tick has its run already, or another audit of the registry is running
   * (the next tick comes).
   */
  async runScheduled(registryId: string, tick: number | null): Promise<IntegrityRunView | null> {
    const registry = await this.registries.findById(registryId);
    if (!registry || registry.role !== 'prod' || tick === null) return null;
    const locked = await this.lock.hold(registryId, async () => {
      const run = await this.runs.startScheduled(registryId, new Date(tick));
      return { run: run && (await this.audit(registry, run)) };
    });
    if (!locked) this.logger.log(`registry "${registry.name}": an audit is running; tick skipped`);
    return locked?.run ?? null;
  }

  /** A run queued by hand; RESOURCE_BUSY (retried by the queue) while another audit runs. */
  async runQueued(runId: string, registryId: string): Promise<IntegrityRunView | null> {
    const registry = await this.registries.findById(registryId);
    if (!registry) return null;
    const locked = await this.lock.hold(
      registryId,
      async () => {
        const run = await this.runs.startQueued(runId);
        return { run: run && (await this.audit(registry, run)) };
      },
      MANUAL_WAIT_MS,
    );
    if (!locked)
      throw new AirlockError('RESOURCE_BUSY', `registry "${registry.name}" is being audited`, {
        details: { registry: registry.name },
      });
    return locked.run;
  }

  private async audit(registry: Registry, run: IntegrityRunRow): Promise<IntegrityRunView> {
    let scan: ScanResult;
    let expectation;
    try {
      expectation = await this.ledger.expectationFor(registry.id);
      scan = await new RegistryScan(this.clients.clientFor(registry), expectation, {
        maxRepositories: this.config.integrityMaxRepositories,
        maxTags: this.config.integrityMaxTags,
      }).run();
    } catch (error) {
      const { code, message } = errorSummary(error);
      const failed = await this.runs.finish(run.id, {
        ...NOTHING,
        errorCode: code,
        errorMessage: message,
        partial: true,
        reason: message,
      });
      return toRunView(failed);
    }
    const findings = compareWithLedger(expectation, scan.observation);
    const finished = await this.transactions.run(async (tx) => {
      const recorded = await this.recorder.record(run, findings, !scan.partial, tx);
      for (const row of recorded.created)
        this.metrics.integrityFindings.inc({ registry: registry.name, kind: row.kind });
      const counts = await this.runs.liveCounts(registry.id, tx);
      for (const kind of FINDING_KINDS)
        this.metrics.integrityOpenFindings.set(
          { registry: registry.name, kind },
          counts.find((c) => c.kind === kind)?.count ?? 0,
        );
      return this.runs.finish(
        run.id,
        {
          status: scan.error ? 'failed' : 'succeeded',
          repositoriesChecked: scan.repositoriesChecked,
          tagsChecked: scan.tagsChecked,
          digestsChecked: scan.digestsChecked,
          findings: recorded.seen,
          newFindings: recorded.created.length,
          resolvedFindings: recorded.resolved,
          partial: scan.partial,
          reason: scan.reason,
          errorCode: scan.error?.code ?? null,
          errorMessage: scan.error?.message ?? null,
        },
        tx,
      );
    });
    this.logger.log(
      `registry "${registry.name}" audited (${finished.status}${finished.partial ? ', partial' : ''}): ` +
        `${finished.tagsChecked} tags, ${finished.findings} findings, ${finished.newFindings} new, ${finished.resolvedFindings} resolved`,
    );
    return toRunView(finished);
  }
}

const NOTHING = {
  status: 'failed' as const,
  repositoriesChecked: 0,
  tagsChecked: 0,
  digestsChecked: 0,
  findings: 0,
  newFindings: 0,
  resolvedFindings: 0,
};
