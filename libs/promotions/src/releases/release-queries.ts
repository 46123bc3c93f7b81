import type { Transaction } from '@airlock/persistence';
import { encodeCursor } from '@airlock/validation';
import { Injectable } from '@nestjs/common';
import { toPromotionView } from '../promotion-view';
import { PromotionRepository } from '../promotion.repository';
import { readReleaseId, readReleaseListQuery, releaseNotFound } from './release-rules';
import { toReleaseView, type ReleasePage, type ReleaseView } from './release-view';
import { ReleaseRepository, type ReleaseRow } from './release.repository';

/** Reading releases: one by id (with every item and target), and the list, newest first. */
@Injectable()
export class ReleaseQueries {
  constructor(
    private readonly releases: ReleaseRepository,
    private readonly promotions: PromotionRepository,
  ) {}

  async show(id: unknown): Promise<ReleaseView> {
    const checked = readReleaseId(id);
    const row = await this.releases.find(checked);
    if (!row) throw releaseNotFound(checked);
    return this.viewOf(row);
  }

  async list(query: unknown = {}): Promise<ReleasePage> {
    const { limit, before } = readReleaseListQuery(query);
    const rows = await this.releases.list({ before, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: await Promise.all(page.map((row) => this.viewOf(row))),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAtKey, last.id) : null,
    };
  }

  /** The release as `tx` sees it (it exists). */
  async viewIn(id: string, tx: Transaction): Promise<ReleaseView> {
    return this.viewOf((await this.releases.find(id, tx))!, tx);
  }

  private async viewOf(row: ReleaseRow, tx?: Transaction): Promise<ReleaseView> {
    const items = await this.promotions.ofRelease(row.id, tx);
    const targets = await this.promotions.targetsOf(
      items.map((item) => item.id),
      tx,
    );
    return toReleaseView(
      row,
      items.map((item) => toPromotionView(item, targets)),
    );
  }
}
