import type { Authenticator, Authorization } from '../auth/authenticator';
import type { Scope } from '../auth/scope';
import type { Clock } from '../clock';
import { errorForResponse, isTransientStatus } from '../errors/response-error';
import type { HttpMethod, HttpResponse, RequestBody, ResponseMode } from '../http/http-types';
import type { HttpTransport } from '../http/http-transport';
import type { RegistryError } from '../registry-error';
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

/** One HTTP attempt to the registry, as a RequestGate sees it. */
export interface RequestGateContext {
  method: HttpMethod;
  /** The URL's pathname: no query (upload state, signed-URL credentials), no host. */
  path: string;
  /** 1 for the first attempt of the request, 2 for its first retry, … */
  attempt: number;
  /** The request's own signal: a gate that waits should stop waiting when it aborts. */
  signal?: AbortSignal;
}

/**
 * A hook around every HTTP attempt to the registry (token-service requests excluded), e.g. an
 * upstream request budget shared by several clients. With a gate, a 429's Retry-After is the
 * gate's to honour: the next attempt's `before` waits it out, or refuses.
 */
export interface RequestGate {
  /** Awaited before every HTTP attempt to the registry. May wait, or throw a RegistryError to refuse the request. */
  before(context: RequestGateContext): Promise<void>;
  /** Called with every answer (status + lower-case headers) of such an attempt, before it is judged. Must not throw. */
  after(
    context: RequestGateContext,
    response: { status: number; headers: Record<string, string> },
  ): void;
}

export interface RequesterDeps {
  registry: string;
  origin: string;
  transport: Pick<HttpTransport, 'exchange'>;
  auth: Authenticator;
  retrier: Retrier;
  clock: Clock;
  gate?: RequestGate;
}

const SMALL_BODY: ResponseMode = { kind: 'buffer', limit: 64 * 1024 };

/**
 * Requests on one registry: authorization up front when known, one re-authentication on a 401,
 * retries of transient failures. It returns every other answer for the operation to judge.
 */
export class RegistryRequester {
  constructor(private readonly deps: RequesterDeps) {}

  /**
   * Throws for 401, 403 and transient failures (408, 429, 5xx, network) once retries are spent,
   * and whatever the gate refuses a request with.
   */
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
    const { auth, gate } = this.deps;
    const operation = `${request.method} ${url.pathname}`;
    const gated: RequestGateContext = {
      method: request.method,
      path: url.pathname,
      attempt,
      signal: request.signal,
    };
    // Before authorizing: a gate may hold the request for minutes, longer than a cached token lives.
    await gate?.before(gated);
    let sent = await auth.authorize(request.scope, attempt);
    let response = await this.exchange(request, url, sent, gated);
    // Anonymous, or a cached token the registry no longer takes (expired early, revoked): once more.
    if (response.status === 401 && !sent?.fresh) {
      sent = await auth.answer(
        response.headers['www-authenticate'],
        request.scope,
        sent,
        operation,
        attempt,
      );
      response = await this.exchange(request, url, sent, gated);
    }
    if (response.status === 401)
      throw auth.rejected(response.headers['www-authenticate'], request.scope, operation);
    if (response.status === 403 || isTransientStatus(response.status))
      throw this.refusal(response, operation);
    return response;
  }

  private refusal(response: HttpResponse, operation: string): RegistryError {
    // The gate has taken note of a 429 and holds the next attempt as long as it must (or
    // refuses it): the retrier only backs off, rather than sleep a Retry-After it may cap.
    const retryAfterMs =
      this.deps.gate && response.status === 429
        ? undefined
        : parseRetryAfter(response.headers['retry-after'], this.deps.clock.now());
    return errorForResponse({
      registry: this.deps.registry,
      operation,
      status: response.status,
      body: response.body,
      retryAfterMs,
    });
  }

  private async exchange(
    request: RegistryRequest,
    url: URL,
    sent: Authorization | undefined,
    gated: RequestGateContext,
  ): Promise<HttpResponse> {
    const response = await this.deps.transport.exchange({
      method: request.method,
      url,
      headers: request.headers,
      authorization: sent?.header,
      body: request.body,
      response: request.response ?? SMALL_BODY,
      signal: request.signal,
      attempt: gated.attempt,
    });
    this.tellGate(gated, response);
    return response;
  }

  /** A gate that throws must not lose the answer: a streamed body would never be consumed. */
  private tellGate(gated: RequestGateContext, response: HttpResponse): void {
    try {
      this.deps.gate?.after(gated, { status: response.status, headers: response.headers });
    } catch {
      // Ignored, as the contract says after() must not throw.
    }
  }
}
