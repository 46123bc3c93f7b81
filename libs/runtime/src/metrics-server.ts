import type { AppConfig } from '@airlock/config';
import { Metrics } from '@airlock/observability';
import { QueueMetrics } from '@airlock/queue';
import type { INestApplicationContext } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A worker-only process has no HTTP API; with AIRLOCK_METRICS_PORT set it serves `/metrics` (and
 * `/healthz`) on a small server of its own, closed with the application.
 */
export async function serveWorkerMetrics(
  app: INestApplicationContext,
  config: AppConfig,
): Promise<Server | undefined> {
  if (config.metricsPort === undefined) return undefined;
  const queues = app.get(QueueMetrics);
  const { registry } = app.get(Metrics);
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/metrics') {
      void queues
        .refresh()
        .catch(() => undefined)
        .then(() => registry.metrics())
        .then((body) => {
          response.writeHead(200, { 'Content-Type': registry.contentType });
          response.end(body);
        });
      return;
    }
    response.writeHead(path === '/healthz' ? 200 : 404, { 'Content-Type': 'application/json' });
    response.end(path === '/healthz' ? '{"status":"ok"}' : '{"status":404}');
  });
  await new Promise<void>((resolve) => server.listen(config.metricsPort, config.httpHost, resolve));
  const { port } = server.address() as AddressInfo;
  new Logger('Airlock').log(`worker metrics on http://${config.httpHost}:${port}/metrics`);
  const close = app.close.bind(app);
  app.close = async () => {
    server.close();
    await close();
  };
  return server;
}
