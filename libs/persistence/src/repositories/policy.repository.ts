import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { Policy } from '../entities/policy.entity';
import { managerOf, sqlOf, type Transaction } from '../transaction';

export type PolicyRules = Omit<Policy, 'id' | 'targetStageId' | 'createdAt' | 'updatedAt'>;

/** The Policy entity's properties, from plain SQL. */
const POLICY_COLUMNS = `p.id, p.target_stage_id AS "targetStageId",
  p.allowed_source_stages AS "allowedSourceStages", p.required_gates AS "requiredGates",
  p.approvals_required AS "approvalsRequired", p.immutable_tags AS "immutableTags",
  p.tag_pattern AS "tagPattern", p.forbid_latest AS "forbidLatest",
  p.required_referrers AS "requiredReferrers",
  p.required_platform_referrers AS "requiredPlatformReferrers", p.created_at AS "createdAt",
  p.updated_at AS "updatedAt"`;

/** Every query on `policies` (one row per target stage). The rules live in @airlock/policies. */
@Injectable()
export class PolicyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findByStageId(targetStageId: string, tx?: Transaction): Promise<Policy | null> {
    return this.repository(tx).findOneBy({ targetStageId });
  }

  /** The policy of the stage named `stage`, in one query (readiness and promotions read it per request). */
  async findByStageName(stage: string, tx?: Transaction): Promise<Policy | null> {
    // Plain SQL: readiness asks on every call, and the query builder costs more CPU than the query.
    const rows = await sqlOf(tx, this.dataSource)<Policy>(
      `SELECT ${POLICY_COLUMNS} FROM policies p JOIN stages s ON s.id = p.target_stage_id
        WHERE s.name = $1`,
      [stage],
    );
    return rows[0] ?? null;
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
