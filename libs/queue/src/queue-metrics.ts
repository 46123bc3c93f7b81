import { Metrics } from '@airlock/observability';
import { Injectable } from '@nestjs/common';
import { JobQueues } from './job-queues';
import { QUEUE_NAMES } from './queue-names';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;

/** Reads queue depths and the oldest waiting job's age from Redis into the gauges, at scrape time. */
@Injectable()
export class QueueMetrics {
  constructor(
    private readonly queues: JobQueues,
    private readonly metrics: Metrics,
  ) {}

  async refresh(): Promise<void> {
    await Promise.all(QUEUE_NAMES.map((name) => this.refreshQueue(name)));
  }

  private async refreshQueue(name: (typeof QUEUE_NAMES)[number]): Promise<void> {
    const queue = this.queues.queue(name);
    const counts = await queue.getJobCounts(...STATES);
    for (const state of STATES)
      this.metrics.queueJobs.set({ queue: name, state }, counts[state] ?? 0);
    const [oldest] = await queue.getJobs(['wait', 'prioritized'], 0, 0, true);
    const age = oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0;
    this.metrics.queueOldestWaiting.set({ queue: name }, age);
  }
}
