import { EventsService } from '@airlock/events';
import type { Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { findingKey, type Finding } from './integrity-comparison';
import { toFindingView } from './integrity-view';
import { IntegrityRepository, type FindingRow, type IntegrityRunRow } from './integrity.repository';

/** What recording a run's findings changed. */
export interface RecordedFindings {
  seen: number;
  created: FindingRow[];
  resolved: number;
}

/**
 * Writes a run's findings in the run's closing transaction: a finding already unresolved stays
 * one row (its last sighting moves, nothing is announced); a new one is inserted and announced
 * as `integrity.violation` through the outbox in the same transaction, so exactly once. Only a
 * complete run resolves what it no longer saw: a partial one cannot tell gone from unchecked.
 */
@Injectable()
export class FindingRecorder {
  constructor(
    private readonly repository: IntegrityRepository,
    private readonly events: EventsService,
  ) {}

  async record(
    run: IntegrityRunRow,
    findings: Finding[],
    complete: boolean,
    tx: Transaction,
  ): Promise<RecordedFindings> {
    const live = new Map(
      (await this.repository.live(run.registryId, tx)).map((row) => [findingKey(row), row]),
    );
    const unique = new Map(findings.map((f) => [findingKey(f), f]));
    const seenIds = new Set<string>();
    const created: FindingRow[] = [];
    for (const [key, finding] of unique) {
      const known = live.get(key);
      if (known) {
        seenIds.add(known.id);
        await this.repository.seenAgain(known.id, finding, run.id, tx);
        continue;
      }
      const row = await this.repository.insert(run.registryId, finding, run.id, tx);
      created.push(row);
      await this.events.publish(
        'integrity.violation',
        { finding: toFindingView(row), run: { id: run.id, registry: run.registry } },
        tx,
      );
    }
    const gone = [...live.values()].filter((row) => !seenIds.has(row.id)).map((row) => row.id);
    const resolved = complete ? await this.repository.resolve(gone, tx) : 0;
    return { seen: unique.size, created, resolved };
  }
}
