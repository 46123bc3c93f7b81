import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { Stage } from '../entities/stage.entity';
import { managerOf, type Transaction } from '../transaction';

export interface StageMember {
  stageId: string;
  registryId: string;
  registryName: string;
}

/** Every query on `stages` and `stage_registries`. The rules live in @airlock/stages. */
@Injectable()
export class StageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(stage: { name: string; position: number }, tx?: Transaction): Promise<Stage> {
    const repository = this.repository(tx);
    return repository.save(repository.create(stage));
  }

  findByName(name: string, tx?: Transaction): Promise<Stage | null> {
    return this.repository(tx).findOneBy({ name });
  }

  /** Pipeline order (position, then name). */
  list(tx?: Transaction): Promise<Stage[]> {
    return this.repository(tx).find({ order: { position: 'ASC', name: 'ASC' } });
  }

  async setPosition(id: string, position: number, tx?: Transaction): Promise<void> {
    await this.repository(tx).update({ id }, { position });
  }

  /** Throws the database's foreign-key error while promotions reference the stage. */
  async delete(id: string, tx?: Transaction): Promise<void> {
    await this.repository(tx).delete({ id });
  }

  /** The registries of the given stages, by registry name within a stage. */
  async members(stageIds: string[], tx?: Transaction): Promise<StageMember[]> {
    if (stageIds.length === 0) return [];
    const rows: Array<{ stage_id: string; registry_id: string; registry_name: string }> =
      await this.manager(tx).query(
        `SELECT sr.stage_id, sr.registry_id, r.name AS registry_name
         FROM stage_registries sr JOIN registries r ON r.id = sr.registry_id
        WHERE sr.stage_id = ANY($1::uuid[])
        ORDER BY r.name`,
        [stageIds],
      );
    return rows.map((row) => ({
      stageId: row.stage_id,
      registryId: row.registry_id,
      registryName: row.registry_name,
    }));
  }

  /** Replaces the stage's registries with exactly `registryIds`. */
  async setMembers(stageId: string, registryIds: string[], tx: Transaction): Promise<void> {
    const manager = this.manager(tx);
    await manager.query(`DELETE FROM stage_registries WHERE stage_id = $1`, [stageId]);
    if (registryIds.length === 0) return;
    await manager.query(
      `INSERT INTO stage_registries (stage_id, registry_id) SELECT $1, unnest($2::uuid[])`,
      [stageId, registryIds],
    );
  }

  private manager(tx?: Transaction) {
    return managerOf(tx, this.dataSource.manager);
  }

  private repository(tx?: Transaction): Repository<Stage> {
    return this.manager(tx).getRepository(Stage);
  }
}
