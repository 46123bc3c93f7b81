import type { Readable } from 'node:stream';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A body that can be sent again (retries, auth challenges, 307/308 redirects): bytes, or a
 * factory that opens a fresh stream each time. A one-shot stream is deliberately not allowed.
 */
export type RequestBody = Buffer | (() => Promise<Readable>);

/**
 * `buffer`: the body is read whole; a 2xx body over `limit` fails with `tooLarge` (default
 * REGISTRY_ERROR), an error body is cut at the limit. `stream`: a 2xx body is handed over unread.
 */
export type ResponseMode =
  { kind: 'buffer'; limit: number; tooLarge?: (size: number) => Error } | { kind: 'stream' };

export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  headers?: Record<string, string>;
  /** Sent to `url`'s origin only, never to another origin a redirect points at. */
  authorization?: string;
  body?: RequestBody;
  response: ResponseMode;
  signal?: AbortSignal;
  /** For the observer: which attempt of the operation this is. */
  attempt: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The URL that answered (after redirects): relative `Location` and `Link` resolve against it. */
  url: URL;
  /** The body read whole (empty when `stream` is set). */
  body: Buffer;
  /** A 2xx body in `stream` mode: the caller must consume or destroy it. */
  stream?: Readable;
}

/** Called after every HTTP exchange, redirects and token requests included. */
export interface RegistryRequestEvent {
  registry: string;
  method: string;
  /** The path only: queries carry upload state and signed-URL credentials. */
  path: string;
  /** Set when the exchange went to another host than the registry's (token service, redirect). */
  host?: string;
  /** The scheme of the Authorization sent, never its value. */
  authorization?: 'Basic' | 'Bearer';
  status?: number;
  /** Until the response headers arrived (or the exchange failed). */
  durationMs: number;
  attempt: number;
  /** A short, secret-free reason when no response came. */
  error?: string;
}

export interface Timeouts {
  /** TCP connect plus TLS handshake. */
  connectMs: number;
  /** From the end of the request body to the response headers. */
  headersMs: number;
  /** No byte received or sent for this long, on a request or a response body. */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, headersMs: 30_000, idleMs: 60_000 };

export interface TlsSettings {
  caPem?: string;
  insecure?: boolean;
}
