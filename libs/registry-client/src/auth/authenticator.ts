import type { Clock } from '../clock';
import { RegistryError, type RegistryErrorCode } from '../registry-error';
import { DEFAULT_REGISTRY_LOGGER, type RegistryLogger } from '../registry-logger';
import { normalizeScopes, scopeKey, scopeStrings, type Scope } from './scope';
import { TokenCache } from './token-cache';
import {
  basicAuthorization,
  type Credentials,
  type IssuedToken,
  type TokenFetcher,
} from './token-fetcher';

/** Where tokens come from: the TokenFetcher, or a fake in unit tests. */
export type TokenSource = Pick<TokenFetcher, 'fetch'>;
import { parseWwwAuthenticate } from './www-authenticate';

/** An Authorization header value and where it came from. */
export interface Authorization {
  header: string;
  /**
   * Obtained for this request (a new token, or Basic credentials): a 401 now means the
   * credentials are wrong or insufficient, not that a cached token went stale.
   */
  fresh: boolean;
  /** Set for a bearer token: its cache entry, invalidated when the registry refuses it. */
  cached?: { key: string; token: string };
}

type Scheme = { kind: 'basic' } | { kind: 'bearer'; realm: string; service?: string };

/**
 * Anonymous until the registry challenges; then Basic, or bearer tokens per (realm, service,
 * scopes) — cached, reused up front for the same scopes, fetched once for concurrent requests.
 */
export class Authenticator {
  private scheme?: Scheme;
  private readonly tokens: TokenCache;
  private readonly pending = new Map<string, Promise<IssuedToken>>();

  constructor(
    private readonly registry: string,
    private readonly credentials: Credentials | undefined,
    private readonly fetcher: TokenSource,
    clock: Clock,
    private readonly logger: RegistryLogger = DEFAULT_REGISTRY_LOGGER,
  ) {
    this.tokens = new TokenCache(clock);
  }

  /** What to send up front, once a challenge told us the scheme: spares a 401 round trip per request. */
  async authorize(scope: Scope, attempt: number): Promise<Authorization | undefined> {
    const scheme = this.scheme;
    if (!scheme) return undefined;
    if (scheme.kind === 'basic') return this.basic('');
    const key = tokenKey(scheme, scopeStrings(scope));
    const token = this.tokens.get(key);
    if (token) return { header: `Bearer ${token}`, fresh: false, cached: { key, token } };
    return this.bearer(scheme, scope, [], attempt);
  }

  /** Answers a 401: forgets the refused token and authenticates as the challenge asks. */
  async answer(
    challenge: string | undefined,
    scope: Scope,
    sent: Authorization | undefined,
    operation: string,
    attempt: number,
  ): Promise<Authorization> {
    if (sent?.cached) this.tokens.invalidate(sent.cached.key, sent.cached.token);
    const refused = sent?.cached ? ' to a cached bearer token' : '';
    const challenges = parseWwwAuthenticate(challenge ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    if (bearer) {
      this.scheme = { kind: 'bearer', realm: bearer.params.realm, service: bearer.params.service };
      const wanted = (bearer.params.scope ?? '').split(' ').filter(Boolean);
      this.say(
        `${operation} answered 401${refused} with a challenge for Bearer (realm ${realmOf(this.scheme.realm)}, ` +
          `service ${this.scheme.service ?? 'unnamed'}): getting a token ${this.credentials ? 'with' : 'without'} credentials`,
      );
      return this.bearer(this.scheme, scope, wanted, attempt);
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      this.scheme = { kind: 'basic' };
      this.say(
        `${operation} answered 401 with a challenge for Basic: ${this.credentials ? 'sending the configured credentials' : 'no credentials are configured'}`,
      );
      return this.basic(operation);
    }
    throw this.error(
      'REGISTRY_AUTH_FAILED',
      `${operation} answered 401 without a Basic or Bearer challenge`,
      operation,
    );
  }

  /** The error for a 401 that authenticating again cannot get past. */
  rejected(challenge: string | undefined, scope: Scope, operation: string): RegistryError {
    if (!this.credentials) {
      return this.error(
        'REGISTRY_AUTH_FAILED',
        `${operation} answered 401: the registry requires credentials and none are configured`,
        operation,
      );
    }
    const bearer = parseWwwAuthenticate(challenge ?? '').find((c) => c.scheme === 'bearer');
    if (bearer?.params.error === 'insufficient_scope') {
      const wanted = scopeStrings(scope).join(' ') || bearer.params.scope || 'this operation';
      return this.error(
        'REGISTRY_ACCESS_DENIED',
        `${operation} answered 401 (insufficient_scope): the credentials do not grant ${wanted}`,
        operation,
      );
    }
    return this.error(
      'REGISTRY_AUTH_FAILED',
      `${operation} answered 401: the registry rejected the configured credentials`,
      operation,
    );
  }

  private basic(operation: string): Authorization {
    if (!this.credentials) {
      const message = `${operation || 'the registry'} requires HTTP Basic credentials and none are configured`;
      throw this.error('REGISTRY_AUTH_FAILED', message, operation || undefined);
    }
    return { header: basicAuthorization(this.credentials), fresh: true };
  }

  private async bearer(
    scheme: Scheme & { kind: 'bearer' },
    scope: Scope,
    wanted: string[],
    attempt: number,
  ): Promise<Authorization> {
    const requested = scopeStrings(scope);
    const key = tokenKey(scheme, requested);
    let pending = this.pending.get(key);
    if (!pending) {
      const scopes = normalizeScopes([...requested, ...wanted]);
      pending = this.fetcher.fetch(
        { realm: scheme.realm, service: scheme.service, scopes },
        attempt,
      );
      this.pending.set(key, pending);
      const scopesText = scopes.join(' ') || 'no scope';
      pending.then(
        (issued) => {
          this.pending.delete(key);
          this.say(
            `got a bearer token for ${scopesText}, cached for ${Math.round(issued.expiresInMs / 1000)} s`,
          );
        },
        (error: unknown) => {
          this.pending.delete(key);
          this.say(`no bearer token for ${scopesText}: ${(error as Error).message}`);
        },
      );
    }
    const issued = await pending;
    this.tokens.set(key, issued.token, issued.expiresInMs);
    return { header: `Bearer ${issued.token}`, fresh: true, cached: { key, token: issued.token } };
  }

  private say(message: string): void {
    this.logger.debug(`registry "${this.registry}": ${message}`);
  }

  private error(code: RegistryErrorCode, message: string, operation?: string): RegistryError {
    return new RegistryError(code, `registry "${this.registry}": ${message}`, {
      registry: this.registry,
      operation,
      retryable: false,
    });
  }
}

function tokenKey(scheme: { realm: string; service?: string }, scopes: string[]): string {
  return `${scheme.realm} ${scheme.service ?? ''} ${scopeKey(normalizeScopes(scopes))}`;
}

/** The token service's origin and path: a realm is the registry's to choose, its query is not logged. */
function realmOf(realm: string): string {
  try {
    const url = new URL(realm);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(not a URL)';
  }
}
