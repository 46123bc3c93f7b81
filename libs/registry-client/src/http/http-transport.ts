import { finished, Readable } from 'node:stream';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { describeNetworkError } from '../errors/network-failure';
import { RegistryError } from '../registry-error';
import { DEFAULT_REGISTRY_LOGGER, type RegistryLogger } from '../registry-logger';
import { linkedSignal } from './abort-links';
import { agentFor } from './agent-pool';
import { exchangeLine } from './exchange-line';
import type {
  HttpMethod,
  HttpRequest,
  HttpResponse,
  RegistryRequestEvent,
  ResponseMode,
  Timeouts,
  TlsSettings,
} from './http-types';
import { discardBody, readBody } from './read-body';
import { isRedirect, nextHop, type Hop } from './redirects';
import { timedTransport } from './timed-transport';

export interface TransportConfig {
  /** RegistryEndpoint.name, for errors and events. */
  registry: string;
  /** The registry's origin: an exchange elsewhere (token service, redirect) names its host. */
  origin?: string;
  /** Also applied to redirect targets and the token realm: the trust configured for this registry. */
  tls: TlsSettings;
  timeouts: Timeouts;
  onRequest?: (event: RegistryRequestEvent) => void;
  /** Gets a debug line per exchange. */
  logger?: RegistryLogger;
}

/** A response whose body has not been read yet. */
interface Answer {
  method: HttpMethod;
  status: number;
  headers: Record<string, string>;
  url: URL;
  stream: Readable;
  /** The request body, when it was a stream: destroyed if the server answered before reading it all. */
  sent?: Readable;
}

const MAX_REDIRECTS = 5;
const ERROR_BODY_LIMIT = 64 * 1024;
const USER_AGENT = 'airlock-registry-client/1';

/**
 * One HTTP exchange, redirects included, on axios. It decides nothing about statuses except
 * redirects: authentication and retries are the requester's, meanings the operations'.
 */
export class HttpTransport {
  private readonly http: AxiosInstance;

  constructor(private readonly config: TransportConfig) {
    this.http = axios.create({
      validateStatus: () => true,
      // Redirects are followed here, so that Authorization never reaches another origin.
      maxRedirects: 0,
      // Blob bytes are hashed as they come: nothing may decode them on the way.
      decompress: false,
      responseType: 'stream',
      proxy: false,
      // Unlimited. Any other value, Infinity included, makes axios wrap both bodies in counting streams.
      maxBodyLength: -1,
      maxContentLength: -1,
      transport: timedTransport(config.timeouts),
      headers: { 'User-Agent': USER_AGENT, 'Accept-Encoding': 'identity' },
    });
  }

  async exchange(request: HttpRequest): Promise<HttpResponse> {
    let hop: Hop = { method: request.method, url: request.url, body: request.body };
    for (let redirects = 0; ; redirects += 1) {
      const sameOrigin = hop.url.origin === request.url.origin;
      const answer = await this.send(hop, request, sameOrigin ? request.authorization : undefined);
      const location = isRedirect(answer.status) ? answer.headers.location : undefined;
      if (location === undefined) return this.finish(answer, request.response);
      discardBody(answer.stream);
      answer.sent?.destroy();
      const next = redirects < MAX_REDIRECTS ? nextHop(hop, answer.status, location) : undefined;
      if (!next) throw this.redirectError(hop, answer.status, redirects);
      hop = next;
    }
  }

  private async send(
    hop: Hop,
    request: HttpRequest,
    authorization: string | undefined,
  ): Promise<Answer> {
    const started = performance.now();
    const event: Omit<RegistryRequestEvent, 'durationMs'> = {
      registry: this.config.registry,
      method: hop.method,
      path: hop.url.pathname,
      host: hop.url.origin === this.config.origin ? undefined : hop.url.host,
      authorization: schemeOf(authorization),
      attempt: request.attempt,
    };
    const data = typeof hop.body === 'function' ? await hop.body() : hop.body;
    const headers = {
      ...request.headers,
      ...(authorization ? { Authorization: authorization } : {}),
    };
    const agent = agentFor(hop.url, this.config.tls);
    let bodyError: unknown;
    if (data instanceof Readable) data.once('error', (error) => (bodyError = error));
    // axios listens to the signal it gets until the response body ends: a link of its own keeps
    // the caller's signal at one listener however many exchanges share it.
    const link = linkedSignal(request.signal);
    try {
      const response: AxiosResponse<Readable> = await this.http.request({
        method: hop.method,
        url: hop.url.href,
        headers,
        data,
        signal: link.signal,
        httpAgent: agent,
        httpsAgent: agent,
      });
      finished(response.data, () => link.release());
      this.observe({ ...event, status: response.status, durationMs: performance.now() - started });
      const sent = data instanceof Readable ? data : undefined;
      const answer = {
        method: hop.method,
        status: response.status,
        headers: flatten(response.headers),
        url: hop.url,
      };
      return { ...answer, stream: response.data, sent };
    } catch (error) {
      link.release();
      if (data instanceof Readable) data.destroy();
      const failure =
        bodyError === undefined
          ? this.failure(error, hop, request)
          : this.bodyFailure(bodyError, hop, request);
      this.observe({
        ...event,
        durationMs: performance.now() - started,
        error: errorSummary(error, failure),
      });
      throw failure;
    }
  }

  /** Reads the body as the mode says; an error answer's body is read best effort, for its OCI code. */
  private async finish(answer: Answer, mode: ResponseMode): Promise<HttpResponse> {
    const { status, headers, url } = answer;
    const ok = status >= 200 && status < 300;
    if (ok && mode.kind === 'stream')
      return { status, headers, url, body: Buffer.alloc(0), stream: answer.stream };
    const limit = ok && mode.kind === 'buffer' ? mode.limit : ERROR_BODY_LIMIT;
    const tooLarge = (size: number): Error =>
      (mode.kind === 'buffer' && mode.tooLarge?.(size)) || this.tooLargeError(url, status, limit);
    try {
      // A HEAD answer's Content-Length describes the body a GET would get, not this one.
      const declared = answer.method === 'HEAD' ? 0 : Number(headers['content-length']);
      if (ok && declared > limit) throw tooLarge(declared);
      const read = await readBody(answer.stream, limit);
      if (ok && read.truncated) throw tooLarge(limit + 1);
      return { status, headers, url, body: read.bytes };
    } catch (error) {
      answer.stream.destroy();
      if (error instanceof RegistryError) throw error;
      if (!ok) return { status, headers, url, body: Buffer.alloc(0) };
      throw this.failure(error, { method: answer.method, url }, undefined);
    } finally {
      // The server answered before taking the whole body (an early 401 or 413): stop its source.
      if (answer.sent && !answer.sent.readableEnded) answer.sent.destroy();
    }
  }

  /** What to throw for an exchange that got no usable answer. */
  private failure(error: unknown, hop: Hop, request: HttpRequest | undefined): unknown {
    if (request?.signal?.aborted) return request.signal.reason;
    // A streamed request body that failed (a source blob that did not verify) keeps its own error.
    const bodyError = findRegistryError(error);
    if (bodyError) return bodyError;
    const failure = describeNetworkError(error);
    const operation = `${hop.method} ${hop.url.pathname}`;
    const where = request && hop.url.origin !== request.url.origin ? ` (at ${hop.url.host})` : '';
    return new RegistryError(
      'REGISTRY_UNREACHABLE',
      `registry "${this.config.registry}": ${operation}${where} failed: ${failure.reason}`,
      {
        registry: this.config.registry,
        operation,
        retryable: failure.retryable,
        cause: failure.cause,
      },
    );
  }

  /** The request body's source failed (a source blob that did not verify, a broken file). */
  private bodyFailure(error: unknown, hop: Hop, request: HttpRequest): unknown {
    if (request.signal?.aborted) return request.signal.reason;
    if (error instanceof RegistryError) return error;
    const operation = `${hop.method} ${hop.url.pathname}`;
    const reason = error instanceof Error ? error.message : String(error);
    const message = `registry "${this.config.registry}": ${operation} failed: the request body's source failed: ${reason}`;
    return new RegistryError('REGISTRY_ERROR', message, {
      registry: this.config.registry,
      operation,
      retryable: false,
      cause: error,
    });
  }

  private redirectError(hop: Hop, status: number, redirects: number): RegistryError {
    const operation = `${hop.method} ${hop.url.pathname}`;
    const why =
      redirects < MAX_REDIRECTS
        ? 'to a location that is not an http(s) URL'
        : `more than ${MAX_REDIRECTS} times`;
    const message = `registry "${this.config.registry}": ${operation} answered ${status}, redirecting ${why}`;
    return new RegistryError('REGISTRY_ERROR', message, {
      registry: this.config.registry,
      status,
      operation,
      retryable: false,
    });
  }

  private tooLargeError(url: URL, status: number, limit: number): RegistryError {
    const operation = `GET ${url.pathname}`;
    const message = `registry "${this.config.registry}": ${operation} answered with a body larger than ${limit} bytes`;
    return new RegistryError('REGISTRY_ERROR', message, {
      registry: this.config.registry,
      status,
      operation,
      retryable: false,
    });
  }

  private observe(event: RegistryRequestEvent): void {
    try {
      (this.config.logger ?? DEFAULT_REGISTRY_LOGGER).debug(exchangeLine(event));
      this.config.onRequest?.(event);
    } catch {
      // An observer (metrics, a logger) must never break a transfer.
    }
  }
}

/** `Basic` or `Bearer`: which kind of credentials went out, for the log, never the value. */
function schemeOf(authorization: string | undefined): RegistryRequestEvent['authorization'] {
  const scheme = authorization?.slice(0, authorization.indexOf(' ')).toLowerCase();
  return scheme === 'basic' ? 'Basic' : scheme === 'bearer' ? 'Bearer' : undefined;
}

function flatten(headers: AxiosResponse['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return flat;
}

function findRegistryError(error: unknown): RegistryError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current instanceof Error; depth += 1) {
    if (current instanceof RegistryError) return current;
    current = current.cause;
  }
  return undefined;
}

/** `ECONNREFUSED`, `ETIMEDOUT`, `DIGEST_MISMATCH` (a streamed body that failed), `AbortError`. */
function errorSummary(error: unknown, failure: unknown): string {
  if (failure instanceof RegistryError && failure.code !== 'REGISTRY_UNREACHABLE')
    return failure.code;
  if (!(failure instanceof RegistryError))
    return failure instanceof Error ? failure.name : 'aborted';
  const network = describeNetworkError(error);
  return network.code ?? network.kind;
}
