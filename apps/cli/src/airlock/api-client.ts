import type { Connection } from './connection';
import { ExitCode } from './exit-codes';
import type { ApiRequest } from './requests';
import { SseParser, type SseEvent } from './sse';

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
    readonly connection: Connection,
    readonly fetchFn: FetchFn = fetch,
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

/** A stream that stays silent this long is dead (the server sends a comment every 15 s). */
export const STREAM_IDLE_MS = 45_000;

/**
 * Reads `GET path` as Server-Sent Events, calling `onEvent` for each, until the server ends the
 * stream, `onEvent` answers false, `signal` aborts, or it stays silent for STREAM_IDLE_MS. An
 * answer that is not `text/event-stream` (an older Airlock without the route), no answer or a
 * broken stream just ends it: the caller polls on from what it saw.
 */
export async function readEventStream(
  client: { connection: Connection; fetchFn: FetchFn },
  path: string,
  onEvent: (event: SseEvent) => boolean,
  signal?: AbortSignal,
): Promise<void> {
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(), STREAM_IDLE_MS);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), STREAM_IDLE_MS);
  };
  const stop = signal ? AbortSignal.any([signal, idle.signal]) : idle.signal;
  try {
    const response = await client.fetchFn(`${client.connection.baseUrl}${path}`, {
      method: 'GET',
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${client.connection.token}`,
        'user-agent': 'airlock-cli',
      },
      signal: stop,
    });
    const type = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !type.startsWith('text/event-stream') || !response.body) {
      await response.body?.cancel();
      return;
    }
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      touch();
      for (const event of parser.push(decoder.decode(value, { stream: true })))
        if (!onEvent(event)) {
          await reader.cancel();
          return;
        }
    }
  } catch {
    // No answer, or the stream broke: the caller polls on.
  } finally {
    clearTimeout(timer);
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
