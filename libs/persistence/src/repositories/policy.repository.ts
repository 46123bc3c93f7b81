import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { Policy } from '../entities/policy.entity';
import { managerOf, type Transaction } from '../transaction';

export type PolicyRules = Omit<Policy, 'id' | 'targetStageId' | 'createdAt' | 'updatedAt'>;

/** Every query on `policies` (one row per target stage). The rules live in @airlock/policies. */
@Injectable()
export class PolicyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findByStageId(targetStageId: string, tx?: Transaction): Promise<Policy | null> {
    return this.repository(tx).findOneBy({ targetStageId });
  }

  /** The policy of the stage named `stage`, in one query (readiness and promotions read it per request). */
  findByStageName(stage: string, tx?: Transaction): Promise<Policy | null> {
    return this.repository(tx)
      .createQueryBuilder('policy')
      .innerJoin('stages', 'stage', 'stage.id = policy.target_stage_id')
      .where('stage.name = :stage', { stage })
      .getOne();
  }

  /** Locks the stage's policy row (if any) until `tx` ends, so two puts take turns. */
  lockByStageId(targetStageId: string, tx: Transaction): Promise<Policy | null> {
    return this.repository(tx).findOne({
      where: { targetStageId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Inserts or replaces the stage's policy (`ON CONFLICT (target_stage_id) DO UPDATE`). */
  async put(targetStageId: string, rules: PolicyRules, tx: Transaction): Promise<Policy> {
    const repository = this.repository(tx);
    await repository.upsert(
      { targetStageId, ...rules, updatedAt: new Date() },
      { conflictPaths: ['targetStageId'] },
    );
    return repository.findOneByOrFail({ targetStageId });
  }

  private repository(tx?: Transaction): Repository<Policy> {
    return managerOf(tx, this.dataSource.manager).getRepository(Policy);
  }
}
