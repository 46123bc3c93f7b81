import type { Authenticator, Authorization } from '../auth/authenticator';
import type { Scope } from '../auth/scope';
import type { Clock } from '../clock';
import { errorForResponse, isTransientStatus } from '../errors/response-error';
import type { HttpMethod, HttpResponse, RequestBody, ResponseMode } from '../http/http-types';
import type { HttpTransport } from '../http/http-transport';
import type { Retrier } from '../retry/retrier';
import { parseRetryAfter } from '../retry/retry-policy';

export interface RegistryRequest {
  method: HttpMethod;
  /** A path on the registry (`/v2/…`, query allowed), or an absolute URL it handed out (Location, Link). */
  target: string | URL;
  /** The access the request needs: what a bearer token is requested for. */
  scope: Scope;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Default: the body read whole, up to 64 KiB. */
  response?: ResponseMode;
  /** false: one attempt only, for a caller that retries a larger unit (a whole upload). */
  retry?: boolean;
  /** With `retry: false`: the caller's attempt number, for the observer. */
  attempt?: number;
  signal?: AbortSignal;
}

export interface RequesterDeps {
  registry: string;
  origin: string;
  transport: HttpTransport;
  auth: Authenticator;
  retrier: Retrier;
  clock: Clock;
}

const SMALL_BODY: ResponseMode = { kind: 'buffer', limit: 64 * 1024 };

/**
 * Requests on one registry: authorization up front when known, one re-authentication on a 401,
 * retries of transient failures. It returns every other answer for the operation to judge.
 */
export class RegistryRequester {
  constructor(private readonly deps: RequesterDeps) {}

  /** Throws for 401, 403 and transient failures (408, 429, 5xx, network) once retries are spent. */
  async send(request: RegistryRequest): Promise<HttpResponse> {
    const url =
      typeof request.target === 'string'
        ? new URL(request.target, this.deps.origin)
        : request.target;
    if (request.retry === false) return this.attempt(request, url, request.attempt ?? 1);
    return this.deps.retrier.run((attempt) => this.attempt(request, url, attempt), request.signal);
  }

  private async attempt(
    request: RegistryRequest,
    url: URL,
    attempt: number,
  ): Promise<HttpResponse> {
    const { auth } = this.deps;
    const operation = `${request.method} ${url.pathname}`;
    let sent = await auth.authorize(request.scope, attempt);
    let response = await this.exchange(request, url, sent, attempt);
    // Anonymous, or a cached token the registry no longer takes (expired early, revoked): once more.
    if (response.status === 401 && !sent?.fresh) {
      sent = await auth.answer(
        response.headers['www-authenticate'],
        request.scope,
        sent,
        operation,
        attempt,
      );
      response = await this.exchange(request, url, sent, attempt);
    }
    if (response.status === 401)
      throw auth.rejected(response.headers['www-authenticate'], request.scope, operation);
    if (response.status === 403 || isTransientStatus(response.status)) {
      const retryAfterMs = parseRetryAfter(response.headers['retry-after'], this.deps.clock.now());
      throw errorForResponse({
        registry: this.deps.registry,
        operation,
        status: response.status,
        body: response.body,
        retryAfterMs,
      });
    }
    return response;
  }

  private exchange(
    request: RegistryRequest,
    url: URL,
    sent: Authorization | undefined,
    attempt: number,
  ): Promise<HttpResponse> {
    return this.deps.transport.exchange({
      method: request.method,
      url,
      headers: request.headers,
      authorization: sent?.header,
      body: request.body,
      response: request.response ?? SMALL_BODY,
      signal: request.signal,
      attempt,
    });
  }
}
