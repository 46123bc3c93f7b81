import { AuditService, type AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import {
  constraintViolationOf,
  RegistryRepository,
  StageRepository,
  TransactionRunner,
  type Stage,
  type Transaction,
} from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { checkMemberNames, checkPosition, checkStageName, invalidField } from './stage-rules';
import { toStageView, type StageView } from './stage-view';

export interface NewStageRequest {
  name: string;
  position?: number;
  registries?: string[];
}

/** Fields left out stay as they are; `registries` replaces the whole membership. */
export interface StageUpdateRequest {
  position?: number;
  registries?: string[];
}

/** Stages of the pipeline and the registries serving each. */
@Injectable()
export class StagesService {
  constructor(
    private readonly stages: StageRepository,
    private readonly registries: RegistryRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  async create(request: NewStageRequest, actor: AuditActor): Promise<StageView> {
    const name = checkStageName(request.name);
    const position = checkPosition(request.position ?? 0);
    const names = checkMemberNames(request.registries ?? []);
    return this.transactions.run(async (tx) => {
      if (await this.stages.findByName(name, tx)) throw duplicate(name);
      const registryIds = await this.registryIds(names, tx);
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

  async show(name: string): Promise<StageView> {
    return this.view(await this.require(name));
  }

  async update(name: string, request: StageUpdateRequest, actor: AuditActor): Promise<StageView> {
    return this.transactions.run(async (tx) => {
      const stage = await this.require(name, tx);
      const before = await this.view(stage, tx);
      if (request.position !== undefined)
        await this.stages.setPosition(stage.id, checkPosition(request.position), tx);
      if (request.registries !== undefined) {
        await this.stages.setMembers(
          stage.id,
          await this.registryIds(checkMemberNames(request.registries), tx),
          tx,
        );
      }
      const after = await this.view(await this.require(name, tx), tx);
      await this.audit.record(
        { actor, action: 'stage.updated', subject: { type: 'stage', id: stage.id }, before, after },
        tx,
      );
      return after;
    });
  }

  /** Refused (409) while promotions reference the stage; its membership rows go with it. */
  async delete(name: string, actor: AuditActor): Promise<void> {
    await this.transactions.run(async (tx) => {
      const stage = await this.require(name, tx);
      const before = await this.view(stage, tx);
      await this.stages.delete(stage.id, tx).catch((error: unknown) => {
        if (constraintViolationOf(error)?.kind !== 'foreignKey') throw error;
        throw new AirlockError(
          'CONFLICT',
          `Stage "${name}" is the target of promotions; it cannot be deleted`,
          {
            details: { name, usedBy: { table: constraintViolationOf(error)?.table } },
          },
        );
      });
      await this.audit.record(
        { actor, action: 'stage.deleted', subject: { type: 'stage', id: stage.id }, before },
        tx,
      );
    });
  }

  private async require(name: string, tx?: Transaction): Promise<Stage> {
    const stage = await this.stages.findByName(name, tx);
    if (!stage)
      throw new AirlockError('NOT_FOUND', `No stage named "${name}"`, { details: { name } });
    return stage;
  }

  private async view(stage: Stage, tx?: Transaction): Promise<StageView> {
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
    return names.map((name, index) => {
      const id = found.get(name);
      if (!id)
        throw invalidField(
          `registries[${index}]`,
          'exists',
          `registries[${index}]: no registry named "${name}"`,
        );
      return id;
    });
  }
}

function duplicate(name: string): AirlockError {
  return new AirlockError('CONFLICT', `A stage named "${name}" already exists`, {
    details: { name },
  });
}
