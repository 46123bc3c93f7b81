import { describeNetworkError } from '../errors/network-failure';
import { isTransientStatus } from '../errors/response-error';
import type { HttpResponse } from '../http/http-types';
import type { HttpTransport } from '../http/http-transport';
import { RegistryError } from '../registry-error';

export interface Credentials {
  username: string;
  password: string;
}

export interface TokenRequest {
  realm: string;
  service?: string;
  scopes: string[];
}

export interface IssuedToken {
  token: string;
  expiresInMs: number;
}

const TOKEN_BODY_LIMIT = 1024 * 1024;
// Docker token spec: "When omitted, this defaults to 60 seconds."
const DEFAULT_EXPIRES_IN_S = 60;

export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/**
 * Gets bearer tokens from a registry's token service (Docker token authentication spec):
 * `GET realm?service=…&scope=…`, with the registry's credentials as HTTP Basic when configured.
 */
export class TokenFetcher {
  constructor(
    private readonly registry: string,
    private readonly transport: HttpTransport,
    private readonly credentials?: Credentials,
  ) {}

  async fetch(request: TokenRequest, attempt: number): Promise<IssuedToken> {
    const url = this.tokenUrl(request);
    const where = `token service ${url.origin}${url.pathname}`;
    let response: HttpResponse;
    try {
      response = await this.transport.exchange({
        method: 'GET',
        url,
        headers: { Accept: 'application/json' },
        authorization: this.credentials ? basicAuthorization(this.credentials) : undefined,
        response: { kind: 'buffer', limit: TOKEN_BODY_LIMIT },
        attempt,
      });
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      throw this.failed(
        `${where} is unreachable: ${describeNetworkError(error.cause).reason}`,
        error.retryable,
        error.cause,
      );
    }
    if (response.status === 401 || response.status === 403) {
      const who = this.credentials
        ? 'the configured credentials'
        : 'anonymous access (no credentials are configured)';
      throw this.failed(`${where} refused ${who} (${response.status})`, false);
    }
    if (response.status !== 200)
      throw this.failed(`${where} answered ${response.status}`, isTransientStatus(response.status));
    return this.parse(response.body, where);
  }

  private tokenUrl(request: TokenRequest): URL {
    let url: URL;
    try {
      url = new URL(request.realm);
    } catch {
      throw this.failed(`the registry named a token service realm that is not a URL`, false);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw this.failed(`token realm ${url.protocol} is not http(s)`, false);
    if (request.service) url.searchParams.set('service', request.service);
    for (const scope of request.scopes) url.searchParams.append('scope', scope);
    return url;
  }

  private parse(body: Buffer, where: string): IssuedToken {
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw this.failed(`${where} answered 200 with a body that is not JSON`, false);
    }
    const token = [parsed.token, parsed.access_token].find(
      (t): t is string => typeof t === 'string' && t.length > 0,
    );
    if (!token) throw this.failed(`${where} answered 200 without a token`, false);
    const expiresIn =
      typeof parsed.expires_in === 'number' && parsed.expires_in > 0
        ? parsed.expires_in
        : DEFAULT_EXPIRES_IN_S;
    return { token, expiresInMs: expiresIn * 1000 };
  }

  private failed(reason: string, retryable: boolean, cause?: unknown): RegistryError {
    const message = `registry "${this.registry}": cannot get a bearer token: ${reason}`;
    return new RegistryError('REGISTRY_AUTH_FAILED', message, {
      registry: this.registry,
      operation: 'GET token',
      retryable,
      cause,
    });
  }
}
