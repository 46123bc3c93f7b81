import { AuditService, type AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import {
  PolicyRepository,
  TransactionRunner,
  type Policy,
  type Transaction,
} from '@airlock/persistence';
import { StagesService } from '@airlock/stages';
import { Injectable } from '@nestjs/common';
import type { PolicyRuleSet } from './policy-evaluation';
import { assertValidPolicy } from './policy-rules';

/** A stage's policy as the API and the audit log show it. */
export interface StagePolicy extends Omit<
  PolicyRuleSet,
  'allowedSourceStages' | 'requiredGates' | 'requiredReferrers' | 'requiredPlatformReferrers'
> {
  stage: string;
  allowedSourceStages: string[];
  requiredGates: string[];
  requiredReferrers: string[];
  requiredPlatformReferrers: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** The rule for entering each stage: one policy per target stage, addressed by the stage's name. */
@Injectable()
export class PoliciesService {
  constructor(
    private readonly policies: PolicyRepository,
    private readonly stages: StagesService,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  /** The stage's policy; NOT_FOUND when the stage is unknown or has none. */
  async get(stage: string, tx?: Transaction): Promise<StagePolicy> {
    const found = await this.policies.findByStageName(stage, tx);
    if (found) return toStagePolicy(stage, found);
    // Which is it: no such stage (404 naming the stage) or a stage without a policy (404 saying so)?
    await this.stageId(stage, tx);
    throw new AirlockError(
      'NOT_FOUND',
      `Stage "${stage}" has no policy yet; an admin sets it with PUT /api/v1/stages/${stage}/policy`,
      { details: { stage } },
    );
  }

  /** Replaces (or creates) the stage's policy. Audited as `policy.created` / `policy.updated`. */
  async put(
    stage: string,
    rules: PolicyRuleSet,
    actor: AuditActor,
  ): Promise<{ policy: StagePolicy; created: boolean }> {
    assertValidPolicy(rules);
    return this.transactions.run(async (tx) => {
      const stageId = await this.stageId(stage, tx);
      const before = await this.policies.lockByStageId(stageId, tx);
      const row = await this.policies.put(stageId, pickRules(rules), tx);
      const policy = toStagePolicy(stage, row);
      await this.audit.record(
        {
          actor,
          action: before ? 'policy.updated' : 'policy.created',
          subject: { type: 'policy', id: row.id },
          before: before ? toStagePolicy(stage, before) : null,
          after: policy,
        },
        tx,
      );
      return { policy, created: before === null };
    });
  }

  private async stageId(stage: string, tx?: Transaction): Promise<string> {
    const found = await this.stages.find(stage, tx);
    if (!found)
      throw new AirlockError('NOT_FOUND', `No stage named "${stage}"`, { details: { stage } });
    return found.id;
  }
}

function pickRules(rules: PolicyRuleSet) {
  return {
    allowedSourceStages: [...rules.allowedSourceStages],
    requiredGates: [...rules.requiredGates],
    approvalsRequired: rules.approvalsRequired,
    immutableTags: rules.immutableTags,
    tagPattern: rules.tagPattern,
    forbidLatest: rules.forbidLatest,
    requiredReferrers: [...rules.requiredReferrers],
    requiredPlatformReferrers: [...rules.requiredPlatformReferrers],
  };
}

function toStagePolicy(stage: string, row: Policy): StagePolicy {
  return { stage, ...pickRules(row), createdAt: row.createdAt, updatedAt: row.updatedAt };
}
