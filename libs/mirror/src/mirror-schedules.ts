import { jobId, JobQueues } from '@airlock/queue';
import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { MirrorRepository, type MirrorRuleRow } from './mirror.repository';

/** The BullMQ job scheduler of a rule: one per rule, keyed by its id. */
export function schedulerIdOf(ruleId: string): string {
  return `mirror-rule-${ruleId}`;
}

/**
 * The tick a scheduled job belongs to (ms since the epoch): BullMQ records it as `prevMillis` and
 * in the id `repeat:<scheduler>:<millis>`. Null for a job added by hand ("sync now").
 */
export function tickOf(job: Pick<Job, 'id' | 'opts'>): number | null {
  const recorded = (job.opts as { prevMillis?: number }).prevMillis;
  if (typeof recorded === 'number') return recorded;
  const match = /^repeat:.+:(\d+)$/.exec(job.id ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * Rule schedules as BullMQ job schedulers. A scheduler lives in Redis and adds exactly one job per
 * tick however many workers consume the queue, so mirror rules need no leader election. The API
 * applies a rule's schedule when the rule changes; every worker re-applies all of them at boot and
 * on each reconcile pass, so a Redis that lost its data gets its schedules back.
 */
@Injectable()
export class MirrorSchedules {
  private readonly logger = new Logger(MirrorSchedules.name);

  constructor(
    private readonly queues: JobQueues,
    private readonly rules: MirrorRepository,
  ) {}

  /** Enabled → the scheduler runs on the rule's cron (UTC); disabled → it is removed. */
  async apply(rule: Pick<MirrorRuleRow, 'id' | 'schedule' | 'enabled'>): Promise<void> {
    const queue = this.queues.queue('mirror');
    if (!rule.enabled) {
      await queue.removeJobScheduler(schedulerIdOf(rule.id));
      return;
    }
    await queue.upsertJobScheduler(
      schedulerIdOf(rule.id),
      { pattern: rule.schedule, tz: 'UTC' },
      { name: 'mirror', data: { mirrorRuleId: rule.id } },
    );
  }

  async remove(ruleId: string): Promise<void> {
    await this.queues.queue('mirror').removeJobScheduler(schedulerIdOf(ruleId));
  }

  /** A manual sync: its own job, never merged with a scheduled one. */
  async syncNow(ruleId: string, requestId: string): Promise<string> {
    return this.queues.enqueue(
      'mirror',
      { mirrorRuleId: ruleId, trigger: 'manual' },
      { jobId: jobId('mirror', `${ruleId}-manual-${requestId}`) },
    );
  }

  /** Postgres is the truth: every rule's scheduler as the rule says, and none for a rule that is gone. */
  async reconcile(): Promise<{ applied: number; removed: number }> {
    const rules = await this.rules.listRules();
    for (const rule of rules) await this.apply(rule);
    const wanted = new Set(rules.filter((r) => r.enabled).map((r) => schedulerIdOf(r.id)));
    let removed = 0;
    const queue = this.queues.queue('mirror');
    for (const scheduler of await queue.getJobSchedulers(0, -1)) {
      if (scheduler.key && !wanted.has(scheduler.key)) {
        await queue.removeJobScheduler(scheduler.key);
        removed++;
        this.logger.log(
          `removed the scheduler of a mirror rule that no longer exists (${scheduler.key})`,
        );
      }
    }
    return { applied: wanted.size, removed };
  }
}
