import { columns, Database, sql, type Sql, type Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';

/** One `policies` row: the rule for entering one stage (one policy per target stage). */
export interface PolicyRow {
  id: string;
  targetStageId: string;
  allowedSourceStages: string[];
  requiredGates: string[];
  approvalsRequired: number;
  immutableTags: boolean;
  tagPattern: string | null;
  forbidLatest: boolean;
  requiredReferrers: string[];
  requiredPlatformReferrers: string[];
  createdAt: Date;
  updatedAt: Date;
}

export type PolicyRules = Omit<PolicyRow, 'id' | 'targetStageId' | 'createdAt' | 'updatedAt'>;

const POLICY = columns<PolicyRow>({
  id: 'id',
  targetStageId: 'target_stage_id',
  allowedSourceStages: 'allowed_source_stages',
  requiredGates: 'required_gates',
  approvalsRequired: 'approvals_required',
  immutableTags: 'immutable_tags',
  tagPattern: 'tag_pattern',
  forbidLatest: 'forbid_latest',
  requiredReferrers: 'required_referrers',
  requiredPlatformReferrers: 'required_platform_referrers',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

/** `policies`: the only reader and writer. The rules live in PoliciesService. */
@Injectable()
export class PolicyRepository {
  constructor(private readonly db: Database) {}

  /**
   * The policy of the stage `stageId` names: a uuid, or a subquery of the stages feature
   * (StagesService.idOf), so a read by stage name is still one statement.
   */
  findByStage(stageId: Sql, tx?: Transaction): Promise<PolicyRow | null> {
    return this.db.one<PolicyRow>(
      sql`SELECT ${POLICY} FROM policies WHERE target_stage_id = ${stageId}`,
      tx,
    );
  }

  /** Locks the stage's policy row (if any) until `tx` ends, so two puts take turns. */
  lockByStageId(targetStageId: string, tx: Transaction): Promise<PolicyRow | null> {
    return this.db.one<PolicyRow>(
      sql`SELECT ${POLICY} FROM policies WHERE target_stage_id = ${targetStageId}::uuid FOR UPDATE`,
      tx,
    );
  }

  /** Inserts or replaces the stage's policy; `created_at` stays what it was. */
  async put(targetStageId: string, rules: PolicyRules, tx: Transaction): Promise<PolicyRow> {
    return (await this.db.one<PolicyRow>(
      sql`INSERT INTO policies (target_stage_id, allowed_source_stages, required_gates,
              approvals_required, immutable_tags, tag_pattern, forbid_latest, required_referrers,
              required_platform_referrers)
          VALUES (${targetStageId}::uuid, ${rules.allowedSourceStages}::text[],
              ${rules.requiredGates}::text[], ${rules.approvalsRequired}, ${rules.immutableTags},
              ${rules.tagPattern}::text, ${rules.forbidLatest}, ${rules.requiredReferrers}::text[],
              ${rules.requiredPlatformReferrers}::text[])
          ON CONFLICT (target_stage_id) DO UPDATE SET
              allowed_source_stages = EXCLUDED.allowed_source_stages,
              required_gates = EXCLUDED.required_gates,
              approvals_required = EXCLUDED.approvals_required,
              immutable_tags = EXCLUDED.immutable_tags,
              tag_pattern = EXCLUDED.tag_pattern,
              forbid_latest = EXCLUDED.forbid_latest,
              required_referrers = EXCLUDED.required_referrers,
              required_platform_referrers = EXCLUDED.required_platform_referrers,
              updated_at = now()
          RETURNING ${POLICY}`,
      tx,
    ))!;
  }
}
