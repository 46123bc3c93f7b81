import { EventsService } from '@airlock/events';
import type { Transaction } from '@airlock/persistence';
import { RegistriesService } from '@airlock/registries';
import { formatImageName, parseImageName, registryHostOf } from '@airlock/registry-client';
import { Injectable } from '@nestjs/common';
import { DriftRepository } from './drift.repository';
import {
  toDependentView,
  type BaseLocation,
  type BaseUpdatedEvent,
  type DriftReport,
} from './drift-view';
import { readDriftQuery } from './image-rules';

/** A tag that now points at another digest; `names` are every name it is known by (upstream, archive). */
export interface BaseMove {
  base: BaseLocation;
  /** The Archive copies of the same tag (a mirror writes them), which builds may name instead. */
  archive: BaseLocation[];
  digest: string;
  previousDigest: string | null;
}

/** Dependents listed per base and per event; beyond it a client pages `GET /api/v1/images`. */
const MAX_DEPENDENTS = 1000;

/**
 * Base-image drift: images record the base they were built FROM (annotations or config labels,
 * canonicalised in `images.base_ref`), registry tags record where a name points now. An image
 * whose base digest is not the digest its base name points at now is drifted, and must be rebuilt.
 */
@Injectable()
export class BaseDriftService {
  constructor(
    private readonly drift: DriftRepository,
    private readonly registries: RegistriesService,
    private readonly events: EventsService,
  ) {}

  /** The canonical name of `repository:tag` in `registry`. */
  static locationOf(
    registry: { name: string; url: string },
    repository: string,
    tag: string,
  ): BaseLocation {
    const name = formatImageName({ host: registryHostOf(registry.url), repository, tag });
    return { name, registry: registry.name, repository, tag };
  }

  /**
   * In the transaction that moved a tag (TagLedger.record): when images declare it as their base
   * and were built on another digest, publish `base-image.updated` listing them. Answers how many
   * there are.
   */
  async tagMoved(move: BaseMove, tx: Transaction): Promise<number> {
    if (move.previousDigest === null || move.previousDigest === move.digest) return 0;
    const names = [move.base.name, ...move.archive.map((a) => a.name)];
    const rows = await this.drift.dependents(names, move.digest, { limit: MAX_DEPENDENTS }, tx);
    if (rows.length === 0) return 0;
    const payload: BaseUpdatedEvent = {
      base: { ...move.base, digest: move.digest, previousDigest: move.previousDigest },
      archive: move.archive.map((a) => ({ ...a, reference: a.name })),
      dependents: rows.map(toDependentView),
    };
    await this.events.publish('base-image.updated', payload, tx);
    return rows.length;
  }

  /**
   * Every base images declare, where it points now and the images built on another digest.
   * `query`: `stage` and `base` (any spelling), as the request sent them.
   */
  async report(query: unknown = {}): Promise<DriftReport> {
    const filters = readDriftQuery(query);
    const byHost = new Map<string, string[]>();
    for (const registry of await this.registries.list()) {
      const host = registryHostOf(registry.url);
      byHost.set(host, [...(byHost.get(host) ?? []), registry.id]);
    }
    const report: DriftReport = { items: [], untracked: [] };
    for (const { baseRef, images } of await this.drift.baseRefs(filters.base)) {
      const parsed = parseImageName(baseRef);
      const ids = parsed ? byHost.get(parsed.host) : undefined;
      const [current] =
        parsed && ids ? await this.drift.currentTags(ids, parsed.repository, parsed.tag) : [];
      if (!parsed || !current) {
        report.untracked.push({ name: baseRef, images });
        continue;
      }
      const rows = await this.drift.dependents([baseRef], current.digest, {
        stage: filters.stage,
        limit: MAX_DEPENDENTS,
      });
      report.items.push({
        base: {
          name: baseRef,
          registry: current.registry,
          repository: current.repository,
          tag: current.tag,
          digest: current.digest,
          updatedAt: current.updatedAt,
        },
        dependents: rows.map(toDependentView),
      });
    }
    return report;
  }
}
