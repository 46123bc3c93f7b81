import { Metrics } from '@airlock/observability';
import { Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { RequestIdMiddleware, requestIdOf } from './request-id.middleware';

/** An Express request as far as the middleware reads it; `route` is set once a route matched. */
function request(method: string, url: string, route?: string, id?: string): Request {
  return {
    method,
    originalUrl: url,
    baseUrl: '',
    route: route === undefined ? undefined : { path: route },
    header: (name: string) => (name === 'x-request-id' ? id : undefined),
  } as unknown as Request;
}

/** Answers with `status` when `finish` is emitted, as Express does once the body is sent. */
function response(status: number): Response & { headers: Record<string, unknown> } {
  const headers: Record<string, unknown> = {};
  return Object.assign(new EventEmitter(), {
    statusCode: status,
    headers,
    setHeader: (name: string, value: unknown) => (headers[name] = value),
  }) as unknown as Response & { headers: Record<string, unknown> };
}

describe('RequestIdMiddleware', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it("keeps a sane caller's id, replaces any other, and echoes it", () => {
    const middleware = new RequestIdMiddleware(new Metrics(new Registry()));
    const given = request('GET', '/healthz', undefined, 'ci-run-42:step.1');
    const answer = response(200);
    middleware.use(given, answer, () => undefined);
    expect(requestIdOf(given)).toBe('ci-run-42:step.1');
    expect(answer.headers['X-Request-Id']).toBe('ci-run-42:step.1');
    const unsafe = request('GET', '/healthz', undefined, 'a b\nc');
    middleware.use(unsafe, response(200), () => undefined);
    expect(requestIdOf(unsafe)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts each answer under its route pattern, never its path; no route is "unmatched"', async () => {
    const metrics = new Metrics(new Registry());
    const middleware = new RequestIdMiddleware(metrics);
    const answers = [
      [request('GET', '/api/v1/promotions/1?x=1', '/api/v1/promotions/:id'), response(200)],
      [request('GET', '/api/v1/promotions/2', '/api/v1/promotions/:id'), response(404)],
      [request('GET', '/api/v1/promotions/3', '/api/v1/promotions/:id'), response(200)],
      [request('POST', '/nowhere'), response(404)],
    ] as const;
    for (const [given, answer] of answers) {
      middleware.use(given, answer, () => undefined);
      answer.emit('finish');
    }

    const counted = (await metrics.httpRequests.get()).values.map(({ labels, value }) => ({
      ...labels,
      value,
    }));
    expect(counted).toEqual([
      { method: 'GET', route: '/api/v1/promotions/:id', status: 200, value: 2 },
      { method: 'GET', route: '/api/v1/promotions/:id', status: 404, value: 1 },
      { method: 'POST', route: 'unmatched', status: 404, value: 1 },
    ]);
    const timed = (await metrics.httpDuration.get()).values.filter((v) =>
      v.metricName?.endsWith('_count'),
    );
    expect(timed.map((v) => [v.labels.route, v.value])).toEqual([
      ['/api/v1/promotions/:id', 3],
      ['unmatched', 1],
    ]);
  });
});
