import type { Connection } from './connection';
import { ExitCode } from './exit-codes';
import type { ApiRequest } from './requests';

/** An HTTP answer from Airlock; `body` is the parsed JSON, or undefined when there was none. */
export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T | undefined;
  /** The raw text, for answers that are not JSON (a proxy's HTML error page). */
  text: string;
}

/** Airlock gave no answer at all: refused connection, DNS, TLS, or no answer in time. Exit 3. */
export class UnreachableError extends Error {
  readonly exitCode = ExitCode.unavailable;
}

/** One request may take this long; a stuck connection must not hang a pipeline forever. */
export const REQUEST_TIMEOUT_MS = 30_000;

export type FetchFn = typeof fetch;

export class ApiClient {
  constructor(
    private readonly connection: Connection,
    private readonly fetchFn: FetchFn = fetch,
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {}

  async send<T = unknown>(request: ApiRequest): Promise<ApiAnswer<T>> {
    const url = `${this.connection.baseUrl}${request.path}`;
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      authorization: `Bearer ${this.connection.token}`,
      'user-agent': 'airlock-cli',
      ...request.headers,
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new UnreachableError(
        `cannot reach Airlock at ${this.connection.baseUrl}: ${describeFetchError(error, this.timeoutMs)}`,
      );
    }
    return { status: response.status, headers: response.headers, body: parseJson<T>(text), text };
  }
}

function parseJson<T>(text: string): T | undefined {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** Node's fetch says only "fetch failed"; the useful part (ECONNREFUSED, a TLS error) is the cause. */
export function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  }
  const cause = error instanceof Error ? (error.cause as unknown) : undefined;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code)
      ? `${code} ${cause.message}`
      : cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}
