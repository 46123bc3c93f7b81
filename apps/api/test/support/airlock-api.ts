import { AirlockProcess, freePort } from '@airlock/testing';

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
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : undefined) as T,
    };
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }
}

/** The token a start printed in its bootstrap banner, if any (every occurrence). */
export function printedTokens(logs: string): string[] {
  return logs.match(/alk_[A-Za-z0-9_-]{43}/g) ?? [];
}
