import { generateToken } from '@airlock/auth';
import { startTestApi, stopTestApi, type TestApiParts } from './support/airlock-api';

interface Operation {
  summary?: string;
  description?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}
type Document = { paths: Record<string, Record<string, Operation>> };

/** The OpenAPI document is what integrators read: every route must be in it, described whole. */
describe('the OpenAPI document', () => {
  let parts: TestApiParts;
  let document: Document;

  beforeAll(async () => {
    parts = await startTestApi('openapi', generateToken());
    document = (await (await fetch(`${parts.api.base}/api/docs-json`)).json()) as Document;
  });
  afterAll(() => stopTestApi(parts));

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        route: `${method.toUpperCase()} ${path}`,
        op,
      })),
    );

  it('lists every route of the API, promotions included', () => {
    const routes = operations().map((o) => o.route);
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/v1/promotions',
        'GET /api/v1/promotions',
        'GET /api/v1/promotions/{id}',
        'POST /api/v1/promotions/{id}/cancel',
        'POST /api/v1/promotions/{id}/retry',
        'POST /api/v1/images',
        'POST /api/v1/gates/{digest}/results',
        'POST /api/v1/gates/{digest}/approvals',
        'GET /api/v1/gates/{digest}/readiness',
        'PUT /api/v1/stages/{name}/policy',
        'POST /api/v1/registries/{name}/check',
        'GET /api/v1/audit',
      ]),
    );
  });

  it('gives every operation a summary, a description and a success response with a schema', () => {
    const incomplete = operations().flatMap(({ route, op }) => {
      const problems: string[] = [];
      if (!op.summary) problems.push('no summary');
      if (!op.description) problems.push('no description');
      const success = Object.entries(op.responses).filter(([status]) => /^2/.test(status));
      if (success.length === 0) problems.push('no 2xx response');
      for (const [status, response] of success) {
        if (status === '204') continue;
        // An event stream documents its events' JSON in the description; it has no JSON body.
        if (response.content?.['text/event-stream']) continue;
        const schema = response.content?.['application/json']?.schema;
        if (!schema) problems.push(`${status} has no JSON schema`);
      }
      return problems.map((p) => `${route}: ${p}`);
    });
    expect(incomplete).toEqual([]);
  });

  it('documents 401 on every route that needs a token, 403 where roles narrow it, and problem+json for errors', () => {
    const missing = operations().flatMap(({ route, op }) => {
      if (Array.isArray(op.security) && op.security.length === 0) return [];
      const problems: string[] = [];
      if (!op.responses['401']) problems.push('no 401');
      // Routes open to every role cannot answer 403.
      const anyRole = /\*\*Roles\*\*: any/.test(op.description ?? '');
      if (!anyRole && !op.responses['403']) problems.push('no 403');
      for (const [status, response] of Object.entries(op.responses)) {
        if (/^[45]/.test(status) && !response.content?.['application/problem+json'])
          problems.push(`${status} is not problem+json`);
      }
      return problems.map((p) => `${route}: ${p}`);
    });
    expect(missing).toEqual([]);
  });

  it('describes the promotion request body and the Idempotency-Key header', () => {
    const post = document.paths['/api/v1/promotions']!.post! as Operation & {
      parameters?: Array<{ name: string; in: string }>;
    };
    expect(post.requestBody?.content?.['application/json']?.schema).toBeDefined();
    expect(post.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]),
    );
    expect(Object.keys(post.responses)).toEqual(
      expect.arrayContaining(['200', '202', '400', '401', '403', '409', '422']),
    );
  });
});
