import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every metric Airlock exports (docs/operations.md lists them with example alerts), as
 * instruments on the registry this was made for: the process's one in production (the
 * ObservabilityModule provides it; the API serves it at /metrics, a worker-only process on
 * AIRLOCK_METRICS_PORT), a fresh `new Registry()` in a spec, which then reads its counters.
 * Counters are per process: Prometheus sums them across instances.
 */
@Injectable()
export class Metrics {
  constructor(readonly registry: Registry) {}

  readonly httpRequests = new Counter({
    name: 'airlock_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'airlock_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly promotionRequests = new Counter({
    name: 'airlock_promotion_requests_total',
    help: 'Promotion requests by target stage and result (accepted, refused, dry_run).',
    labelNames: ['stage', 'result'] as const,
    registers: [this.registry],
  });
  readonly promotions = new Counter({
    name: 'airlock_promotions_total',
    help: 'Promotions that finished, by target stage and outcome (succeeded, failed, cancelled).',
    labelNames: ['stage', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly copyDuration = new Histogram({
    name: 'airlock_copy_duration_seconds',
    help: 'Duration of one copy into one target registry, by registry and outcome.',
    labelNames: ['registry', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });
  readonly copyBytes = new Counter({
    name: 'airlock_copy_bytes_total',
    help: 'Blob bytes handled by copies, by target registry and action (copied, mounted, skipped).',
    labelNames: ['registry', 'action'] as const,
    registers: [this.registry],
  });
  readonly copyBlobs = new Counter({
    name: 'airlock_copy_blobs_total',
    help: 'Blobs handled by copies, by target registry and action (copied, mounted, skipped).',
    labelNames: ['registry', 'action'] as const,
    registers: [this.registry],
  });
  readonly registryRequests = new Counter({
    name: 'airlock_registry_requests_total',
    help: 'Requests to registries by registry, method and status ("error" when no answer came).',
    labelNames: ['registry', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly gateResults = new Counter({
    name: 'airlock_gate_results_total',
    help: 'Gate results recorded, by kind (result, approval) and status.',
    labelNames: ['kind', 'status'] as const,
    registers: [this.registry],
  });
  readonly mirrorRuns = new Counter({
    name: 'airlock_mirror_runs_total',
    help: 'Mirror runs by outcome (succeeded, partial, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly integrityFindings = new Counter({
    name: 'airlock_integrity_findings_total',
    help: 'New integrity findings (each announced once as integrity.violation), by registry and kind.',
    labelNames: ['registry', 'kind'] as const,
    registers: [this.registry],
  });
  readonly integrityOpenFindings = new Gauge({
    name: 'airlock_integrity_open_findings',
    help: 'Unresolved integrity findings (open or acknowledged) by registry and kind, as the last run in this process left them.',
    labelNames: ['registry', 'kind'] as const,
    registers: [this.registry],
  });
  readonly webhookDeliveries = new Counter({
    name: 'airlock_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (delivered, retrying, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly queueJobs = new Gauge({
    name: 'airlock_queue_jobs',
    help: 'Jobs per queue and state (waiting, active, delayed, failed), read from Redis at scrape time.',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });
  readonly queueOldestWaiting = new Gauge({
    name: 'airlock_queue_oldest_waiting_seconds',
    help: 'Age of the oldest job waiting in each queue (0 when none waits), read at scrape time.',
    labelNames: ['queue'] as const,
    registers: [this.registry],
  });
  readonly workerLastActive = new Gauge({
    name: 'airlock_worker_last_active_timestamp_seconds',
    help: 'When this worker last polled its queues or finished a job (unix seconds).',
    registers: [this.registry],
  });
}
