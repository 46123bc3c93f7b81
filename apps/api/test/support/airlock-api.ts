import {
  AirlockProcess,
  createTestDatabase,
  createTestRedis,
  freePort,
  type TestDatabase,
  type TestRedis,
} from '@airlock/testing';
import { OpenApiAnswers } from './openapi-answers';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A real API process (dist/, as production runs it) on a free port, and a small JSON client for it. */
export class AirlockApi {
  private answers: Promise<OpenApiAnswers> | undefined;

  private constructor(
    readonly process: AirlockProcess,
    readonly base: string,
  ) {}

  static async start(env: Record<string, string>): Promise<AirlockApi> {
    const port = await freePort();
    const airlock = AirlockProcess.start('api', { ...env, AIRLOCK_HTTP_PORT: String(port) });
    await airlock.waitForLog(/API listening on http:\/\/127\.0\.0\.1:\d+/);
    return new AirlockApi(airlock, `http://127.0.0.1:${port}`);
  }

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: CallOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const body = (text ? JSON.parse(text) : undefined) as T;
    (await this.document()).check(
      method,
      path,
      response.status,
      response.headers.get('content-type') ?? '',
      body,
    );
    return { status: response.status, headers: response.headers, body };
  }

  /** The API's own OpenAPI document, fetched once: every answer `call` gets is held to it. */
  private document(): Promise<OpenApiAnswers> {
    this.answers ??= fetch(`${this.base}/api/docs-json`)
      .then((response) => response.json())
      .then(
        (document) =>
          new OpenApiAnswers(document as ConstructorParameters<typeof OpenApiAnswers>[0]),
      );
    return this.answers;
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }
}

/** The token a start printed in its bootstrap banner, if any (every occurrence). */
export function printedTokens(logs: string): string[] {
  return logs.match(/alk_[A-Za-z0-9_-]{43}/g) ?? [];
}

export interface TestApiParts {
  db: TestDatabase;
  redis: TestRedis;
  api: AirlockApi;
}

/**
 * What most e2e files need: their own migrated database and Redis prefix, and an API process
 * that knows `adminToken` as its bootstrap admin. `env` adds or overrides variables.
 */
export async function startTestApi(
  label: string,
  adminToken: string,
  env: Record<string, string> = {},
): Promise<TestApiParts> {
  const db = await createTestDatabase(label);
  const redis = createTestRedis(label);
  const api = await AirlockApi.start({
    AIRLOCK_DATABASE_URL: db.url,
    AIRLOCK_REDIS_URL: redis.url,
    AIRLOCK_REDIS_PREFIX: redis.prefix,
    AIRLOCK_ADMIN_TOKEN: adminToken,
    ...env,
  });
  return { db, redis, api };
}

/** Stops the API, then removes its Redis keys and database; tolerates a half-started setup. */
export async function stopTestApi(parts: Partial<TestApiParts>): Promise<void> {
  await parts.api?.stop();
  await parts.redis?.cleanup();
  await parts.db?.drop();
}
