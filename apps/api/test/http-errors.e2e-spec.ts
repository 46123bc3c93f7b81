import { generateToken } from '@airlock/auth';
import { loadConfig } from '@airlock/config';
import { InfrastructureModule } from '@airlock/runtime';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from '@airlock/testing';
import { readInput } from '@airlock/validation';
import { Body, Controller, Post } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { ApiModule } from '../src/api.module';
import { Public } from '../src/auth/public.decorator';
import { configureHttpApp } from '../src/http-app';

interface Echo {
  name: string;
  count: number;
  labels: Array<{ key: string }>;
}

/** Read the way every real route reads its body: the whole of it, every problem at once. */
function readEcho(body: unknown): Echo {
  return readInput(body, (r) => ({
    name: r.string('name', { required: true })!,
    count: r.integer('count', { required: true, min: 1, max: 10 })!,
    labels:
      r.objects(
        'labels',
        (label) => ({
          key: label.string('key', {
            required: true,
            pattern: { regex: /^[a-z]+$/, describe: 'lowercase letters' },
          })!,
        }),
        { maxItems: 3 },
      ) ?? [],
  }));
}

/** A route with a body, mounted only here, to exercise the global pipe, filter and body limit. */
@Public()
@Controller('test-echo')
class EchoController {
  @Post() echo(@Body() body: unknown): Echo {
    return readEcho(body);
  }
}

describe('HTTP edge: every error is problem+json', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase('http_errors');
    redis = createTestRedis('http-errors');
    const config = loadConfig({
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
      AIRLOCK_HTTP_BODY_LIMIT: '2kb',
      // Set, so the admin bootstrap registers it instead of printing a generated one.
      AIRLOCK_ADMIN_TOKEN: generateToken(),
    });
    const module = await Test.createTestingModule({
      imports: [InfrastructureModule.forRoot(config), ApiModule],
      controllers: [EchoController],
    }).compile();
    app = module.createNestApplication<NestExpressApplication>({
      bodyParser: false,
      logger: false,
    });
    configureHttpApp(app, config);
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await redis?.cleanup();
    await db?.drop();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/test-echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  async function problemOf(response: Response) {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await response.json()) as Record<string, unknown> & {
      errors?: Array<Record<string, string>>;
    };
  }

  it('accepts a valid body and answers what it read', async () => {
    // Nothing converts the body any more (the pipe's class-transformer pass is gone): the reader
    // answers the values as the request sent them.
    const response = await post(JSON.stringify({ name: 'a', count: 3, labels: [{ key: 'x' }] }));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ name: 'a', count: 3, labels: [{ key: 'x' }] });
  });

  it('answers a malformed JSON body with a 400 naming the body', async () => {
    const response = await post('{"name": "a",');
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({
      status: 400,
      code: 'INVALID_INPUT',
      type: 'urn:airlock:problem:invalid-input',
      instance: '/test-echo',
    });
    expect(problem.detail).toMatch(/^Malformed JSON body/);
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'body', rule: 'json' })]);
    expect(problem.requestId).toEqual(response.headers.get('x-request-id'));
  });

  it('refuses an unknown field instead of dropping it', async () => {
    const response = await post(JSON.stringify({ name: 'a', count: 1, admin: true }));
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.errors).toEqual([
      { field: 'admin', rule: 'unknownField', message: 'admin is not a known field' },
    ]);
  });

  it('names every broken rule with its field path, nested ones included', async () => {
    const response = await post(
      JSON.stringify({ name: 7, count: 11, labels: [{ key: 'ok' }, { key: 'NO' }] }),
    );
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    const pairs = problem.errors!.map((e) => `${e.field}:${e.rule}`).sort();
    // The rules are FIELD_RULES names, as the libs/validation reader answers them: this test used
    // to name class-validator's own (`isString`), from the pipe's DTO validation that is gone.
    expect(pairs).toEqual(['count:max', 'labels[1].key:matches', 'name:type']);
  });

  it('refuses a body over the limit with 413', async () => {
    const response = await post(JSON.stringify({ name: 'x'.repeat(4096), count: 1 }));
    expect(response.status).toBe(413);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      errors: [expect.objectContaining({ field: 'body', rule: 'maxSize' })],
    });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await fetch(`${base}/nowhere`);
    expect(response.status).toBe(404);
    expect(await problemOf(response)).toMatchObject({
      code: 'NOT_FOUND',
      detail: 'No route for GET /nowhere',
    });
  });

  it('keeps a sane caller-given request id and replaces an unsafe one', async () => {
    const kept = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'ci-build-42' } });
    expect(kept.headers.get('x-request-id')).toBe('ci-build-42');
    const replaced = await fetch(`${base}/healthz`, {
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document and UI', async () => {
    const json = await fetch(`${base}/api/docs-json`);
    expect(json.status).toBe(200);
    const document = (await json.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
    const ui = await fetch(`${base}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/swagger-ui/i);
  });
});
