import { AuditService, type AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import { TransactionRunner, type Transaction } from '@airlock/persistence';
import { StagesService } from '@airlock/stages';
import { Injectable } from '@nestjs/common';
import { checkStageName, readPolicy } from './policy-rules';
import { rulesOf, toStagePolicy, type StagePolicy } from './policy-view';
import { PolicyRepository } from './policy.repository';

/**
 * The rule for entering each stage: one policy per target stage, addressed by the stage's name.
 * Learns about stages from StagesService; takes requests as they came and reads them.
 */
@Injectable()
export class PoliciesService {
  constructor(
    private readonly policies: PolicyRepository,
    private readonly stages: StagesService,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  /** `GET /stages/{name}/policy`. */
  show(name: unknown): Promise<StagePolicy> {
    return this.forStage(checkStageName(name));
  }

  /**
   * The policy of the stage named `stage`, in one statement (readiness and promotions read it per
   * request); NOT_FOUND when the stage is unknown or has none.
   */
  async forStage(stage: string, tx?: Transaction): Promise<StagePolicy> {
    const found = await this.policies.findByStage(this.stages.idOf(stage), tx);
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
    name: unknown,
    body: unknown,
    actor: AuditActor,
  ): Promise<{ policy: StagePolicy; created: boolean }> {
    const stage = checkStageName(name);
    const rules = rulesOf(readPolicy(body));
    return this.transactions.run(async (tx) => {
      const stageId = await this.stageId(stage, tx);
      const before = await this.policies.lockByStageId(stageId, tx);
      const row = await this.policies.put(stageId, rules, tx);
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
