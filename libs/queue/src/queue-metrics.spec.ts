import { Metrics } from '@airlock/observability';
import { Registry } from 'prom-client';
import type { JobQueues } from './job-queues';
import { QueueMetrics } from './queue-metrics';
import type { QueueName } from './queue-names';

/** Queues as Redis would answer for them: counts per state, and the oldest waiting job's time. */
function queues(answers: Record<QueueName, { counts: Record<string, number>; oldest?: number }>) {
  return {
    queue: (name: QueueName) => ({
      getJobCounts: () => Promise.resolve(answers[name].counts),
      getJobs: () =>
        Promise.resolve(
          answers[name].oldest === undefined ? [] : [{ timestamp: answers[name].oldest }],
        ),
    }),
  } as unknown as JobQueues;
}

describe('QueueMetrics', () => {
  it('sets every state of every queue (0 when Redis has none) and the oldest waiting age', async () => {
    const metrics = new Metrics(new Registry());
    const fiveSecondsAgo = Date.now() - 5000;
    await new QueueMetrics(
      queues({
        promotion: { counts: { waiting: 2, active: 1 }, oldest: fiveSecondsAgo },
        release: { counts: {} },
        mirror: { counts: {} },
        webhook: { counts: { failed: 3 } },
        integrity: { counts: {} },
      }),
      metrics,
    ).refresh();

    const jobs = (await metrics.queueJobs.get()).values;
    expect(jobs).toHaveLength(5 * 5);
    const value = (queue: string, state: string) =>
      jobs.find((v) => v.labels.queue === queue && v.labels.state === state)?.value;
    expect([value('promotion', 'waiting'), value('promotion', 'active')]).toEqual([2, 1]);
    expect([value('mirror', 'waiting'), value('webhook', 'failed')]).toEqual([0, 3]);
    const oldest = (await metrics.queueOldestWaiting.get()).values;
    const age = (queue: string) => oldest.find((v) => v.labels.queue === queue)?.value;
    expect(age('promotion')).toBeGreaterThanOrEqual(5);
    expect([age('mirror'), age('webhook')]).toEqual([0, 0]);
  });
});
