import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { managerOf, type Transaction } from '../transaction';

/**
 * Reads stage ids by name for features that hang rows off a stage (policies). The `stages` table
 * itself belongs to the stages feature; this is a read-only lookup so that policies do not depend
 * on it. Merge into the stage repository once both exist.
 */
@Injectable()
export class StageLookup {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async idByName(name: string, tx?: Transaction): Promise<string | null> {
    const rows: Array<{ id: string }> = await managerOf(tx, this.dataSource.manager).query(
      'SELECT id FROM stages WHERE name = $1',
      [name],
    );
    return rows[0]?.id ?? null;
  }
}
