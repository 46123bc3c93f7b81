import { columns, Database, sql, type Sql, type Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';

/** One `stages` row. */
export interface StageRow {
  id: string;
  name: string;
  position: number;
  createdAt: Date;
}

/** One registry of a stage (`stage_registries` with the registry's name). */
export interface StageMemberRow {
  stageId: string;
  registryId: string;
  registryName: string;
}

const STAGE = columns<StageRow>({
  id: 'id',
  name: 'name',
  position: 'position',
  createdAt: 'created_at',
});

const MEMBER = columns<StageMemberRow>({
  stageId: 'sr.stage_id',
  registryId: 'sr.registry_id',
  registryName: 'r.name',
});

/** `stages` and `stage_registries`: the only reader and writer of both. */
@Injectable()
export class StageRepository {
  constructor(private readonly db: Database) {}

  async insert(stage: { name: string; position: number }, tx?: Transaction): Promise<StageRow> {
    return (await this.db.one<StageRow>(
      sql`INSERT INTO stages (name, position) VALUES (${stage.name}, ${stage.position})
          RETURNING ${STAGE}`,
      tx,
    ))!;
  }

  findByName(name: string, tx?: Transaction): Promise<StageRow | null> {
    return this.db.one<StageRow>(sql`SELECT ${STAGE} FROM stages WHERE name = ${name}`, tx);
  }

  /** The stages named so (any order; names without a stage are left out). */
  findByNames(names: string[], tx?: Transaction): Promise<StageRow[]> {
    return this.db.rows<StageRow>(sql`SELECT ${STAGE} FROM stages WHERE name = ANY(${names})`, tx);
  }

  /** The members of the stages named so, by registry name: needs no stage ids read first. */
  membersByStageNames(names: string[], tx?: Transaction): Promise<StageMemberRow[]> {
    return this.membersWhere(
      sql`sr.stage_id IN (SELECT id FROM stages WHERE name = ANY(${names}))`,
      tx,
    );
  }

  /** The id of the stage named so, as a subquery (NULL when there is none). */
  idByName(name: string): Sql {
    return sql`(SELECT id FROM stages WHERE name = ${name})`;
  }

  /** Pipeline order (position, then name). */
  list(tx?: Transaction): Promise<StageRow[]> {
    return this.db.rows<StageRow>(sql`SELECT ${STAGE} FROM stages ORDER BY position, name`, tx);
  }

  async setPosition(id: string, position: number, tx?: Transaction): Promise<void> {
    await this.db.run(sql`UPDATE stages SET position = ${position} WHERE id = ${id}`, tx);
  }

  /** Throws the database's foreign-key error while promotions reference the stage. */
  async delete(id: string, tx?: Transaction): Promise<void> {
    await this.db.run(sql`DELETE FROM stages WHERE id = ${id}`, tx);
  }

  /** The registries of the given stages, by registry name within a stage. */
  members(stageIds: string[], tx?: Transaction): Promise<StageMemberRow[]> {
    if (stageIds.length === 0) return Promise.resolve([]);
    return this.membersWhere(sql`sr.stage_id = ANY(${stageIds}::uuid[])`, tx);
  }

  private membersWhere(condition: Sql, tx?: Transaction): Promise<StageMemberRow[]> {
    return this.db.rows<StageMemberRow>(
      sql`SELECT ${MEMBER} FROM stage_registries sr JOIN registries r ON r.id = sr.registry_id
           WHERE ${condition} ORDER BY r.name`,
      tx,
    );
  }

  /** Replaces the stage's registries with exactly `registryIds`. */
  async setMembers(stageId: string, registryIds: string[], tx: Transaction): Promise<void> {
    await this.db.run(sql`DELETE FROM stage_registries WHERE stage_id = ${stageId}`, tx);
    if (registryIds.length === 0) return;
    await this.db.run(
      sql`INSERT INTO stage_registries (stage_id, registry_id)
          SELECT ${stageId}::uuid, unnest(${registryIds}::uuid[])`,
      tx,
    );
  }
}
