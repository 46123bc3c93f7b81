import { AuditService, type AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import {
  constraintViolationOf,
  TransactionRunner,
  type Sql,
  type Transaction,
} from '@airlock/persistence';
import { RegistriesService } from '@airlock/registries';
import { Injectable } from '@nestjs/common';
import {
  checkStageName,
  readNewStage,
  readStageUpdate,
  throwUnknownRegistries,
} from './stage-rules';
import { StageRepository, type StageRow } from './stage.repository';
import { toStageView, type StageView } from './stage-view';

/**
 * Stages of the pipeline and the registries serving each. Takes requests as they came (the one
 * owner of their validation) and is how other features learn about stages.
 */
@Injectable()
export class StagesService {
  constructor(
    private readonly stages: StageRepository,
    private readonly registries: RegistriesService,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  async create(input: unknown, actor: AuditActor): Promise<StageView> {
    const { name, position = 0, registries = [] } = readNewStage(input);
    return this.transactions.run(async (tx) => {
      if (await this.stages.findByName(name, tx)) throw duplicate(name);
      const registryIds = await this.registryIds(registries, tx);
      const stage = await this.stages.insert({ name, position }, tx).catch((error: unknown) => {
        throw constraintViolationOf(error)?.kind === 'unique' ? duplicate(name) : error;
      });
      await this.stages.setMembers(stage.id, registryIds, tx);
      const view = await this.view(stage, tx);
      await this.audit.record(
        { actor, action: 'stage.created', subject: { type: 'stage', id: stage.id }, after: view },
        tx,
      );
      return view;
    });
  }

  /** Pipeline order: position, then name. */
  async list(): Promise<StageView[]> {
    const stages = await this.stages.list();
    const members = await this.stages.members(stages.map((stage) => stage.id));
    return stages.map((stage) => toStageView(stage, members));
  }

  async show(name: unknown): Promise<StageView> {
    return this.view(await this.require(checkStageName(name)));
  }

  /** The stage named so, with its registries, or null: for features that refer to stages. */
  async find(name: string, tx?: Transaction): Promise<StageView | null> {
    const stage = await this.stages.findByName(name, tx);
    return stage ? this.view(stage, tx) : null;
  }

  /**
   * The stages named so, with their registries, by name (a name without a stage is missing from
   * the map): the stage rows and their members read in one write on one connection.
   */
  async findMany(names: string[]): Promise<Map<string, StageView>> {
    const unique = [...new Set(names)];
    const [rows, members] = await this.transactions.readTogether([
      (tx) => this.stages.findByNames(unique, tx),
      (tx) => this.stages.membersByStageNames(unique, tx),
    ] as const);
    return new Map(rows.map((row) => [row.name, toStageView(row, members)]));
  }

  /**
   * The id of the stage named so as a subquery (NULL when there is none), for a statement of
   * another feature that needs it in the same round trip (a policy read per readiness request).
   */
  idOf(name: string): Sql {
    return this.stages.idByName(name);
  }

  async update(name: unknown, input: unknown, actor: AuditActor): Promise<StageView> {
    const stageName = checkStageName(name);
    const request = readStageUpdate(input);
    return this.transactions.run(async (tx) => {
      const stage = await this.require(stageName, tx);
      const before = await this.view(stage, tx);
      if (request.position !== undefined)
        await this.stages.setPosition(stage.id, request.position, tx);
      if (request.registries !== undefined)
        await this.stages.setMembers(stage.id, await this.registryIds(request.registries, tx), tx);
      const after = await this.view(await this.require(stageName, tx), tx);
      await this.audit.record(
        { actor, action: 'stage.updated', subject: { type: 'stage', id: stage.id }, before, after },
        tx,
      );
      return after;
    });
  }

  /** Refused (409) while promotions reference the stage; its membership rows go with it. */
  async delete(name: unknown, actor: AuditActor): Promise<void> {
    const stageName = checkStageName(name);
    await this.transactions.run(async (tx) => {
      const stage = await this.require(stageName, tx);
      const before = await this.view(stage, tx);
      await this.stages.delete(stage.id, tx).catch((error: unknown) => {
        const violation = constraintViolationOf(error);
        if (violation?.kind !== 'foreignKey') throw error;
        throw new AirlockError(
          'CONFLICT',
          `Stage "${stageName}" is the target of promotions; it cannot be deleted`,
          { details: { name: stageName, usedBy: { table: violation.table } } },
        );
      });
      await this.audit.record(
        { actor, action: 'stage.deleted', subject: { type: 'stage', id: stage.id }, before },
        tx,
      );
    });
  }

  private async require(name: string, tx?: Transaction): Promise<StageRow> {
    const stage = await this.stages.findByName(name, tx);
    if (!stage)
      throw new AirlockError('NOT_FOUND', `No stage named "${name}"`, { details: { name } });
    return stage;
  }

  private async view(stage: StageRow, tx?: Transaction): Promise<StageView> {
    return toStageView(stage, await this.stages.members([stage.id], tx));
  }

  /** Ids in the order given; an unknown name is a 400 naming its index. */
  private async registryIds(names: string[], tx: Transaction): Promise<string[]> {
    const found = new Map(
      (await this.registries.findByNames(names, tx)).map((registry) => [
        registry.name,
        registry.id,
      ]),
    );
    throwUnknownRegistries(names, new Set(found.keys()));
    return names.map((name) => found.get(name)!);
  }
}

function duplicate(name: string): AirlockError {
  return new AirlockError('CONFLICT', `A stage named "${name}" already exists`, {
    details: { name },
  });
}
