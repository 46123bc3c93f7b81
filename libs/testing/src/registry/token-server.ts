import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { signJwt } from './jwt-signer';
import { closeServer, listenOnLoopback } from './loopback-server';
import type { RegistryUser } from './registry-user';
import type { SigningCertificate } from './test-pki';

// distribution 2.8 accepts a token until `exp` + 60 s (token.Leeway). We issue `exp` that much
// earlier so the registry really stops accepting a token `tokenTtlSeconds` after it was issued.
const REGISTRY_LEEWAY_SECONDS = 60;

export interface TokenServerOptions {
  /** Must equal the registry's `auth.token.service`: it becomes the token's `aud`. */
  service: string;
  issuer: string;
  users: RegistryUser[];
  signing: SigningCertificate;
  /** Default 300. Tests set e.g. 2 to make the registry refuse a cached token soon. */
  tokenTtlSeconds?: number;
  /** Anonymous requests get `pull` (only) when set; otherwise a token granting nothing. */
  anonymousPull?: boolean;
}

export interface TokenAccess {
  type: string;
  name: string;
  actions: string[];
}

/** One token the server handed out, for asserting who asked for what. */
export interface IssuedToken {
  account?: string;
  scopes: string[];
  access: TokenAccess[];
}

/** A minimal Docker token-auth server (the `realm` of a registry configured with `auth.token`). */
export class TokenServer {
  /** Tokens issued so far; tests compare it before/after to prove a re-auth happened. */
  readonly issuedTokens: IssuedToken[] = [];
  /** Requests refused for bad credentials. */
  rejected = 0;
  tokenTtlSeconds: number;
  /**
   * When set (Unix seconds), every token issued expires then instead of after tokenTtlSeconds: a
   * test that needs a token to lapse picks the moment, whole seconds and all, instead of racing a
   * one-second TTL that may end a few milliseconds after it was issued.
   */
  tokenExpiresAt: number | undefined;
  anonymousPull: boolean;
  private readonly server: Server;
  private port = 0;

  private constructor(private readonly options: TokenServerOptions) {
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 300;
    this.tokenExpiresAt = undefined;
    this.anonymousPull = options.anonymousPull ?? false;
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(options: TokenServerOptions): Promise<TokenServer> {
    const tokenServer = new TokenServer(options);
    tokenServer.port = await listenOnLoopback(tokenServer.server);
    return tokenServer;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get realm(): string {
    return `${this.url}/token`;
  }

  get service(): string {
    return this.options.service;
  }

  get issuer(): string {
    return this.options.issuer;
  }

  get issued(): number {
    return this.issuedTokens.length;
  }

  /** Every scope string requested, in order (e.g. `repository:app:pull,push`). */
  get scopes(): string[] {
    return this.issuedTokens.flatMap((t) => t.scopes);
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method !== 'GET' || url.pathname !== '/token')
      return reply(res, 404, { error: 'not found' });
    const account = this.authenticate(req.headers.authorization);
    if (account === false) {
      this.rejected += 1;
      res.setHeader('WWW-Authenticate', 'Basic realm="airlock-test-token"');
      return reply(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] });
    }
    // OAuth-style clients may pack several scopes into one parameter, separated by spaces.
    const scopes = url.searchParams
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .filter(Boolean);
    const access = scopes
      .map(parseScope)
      .map((a) => this.grant(a, account))
      .filter((a) => a.actions.length > 0);
    this.issuedTokens.push({ account, scopes, access });
    reply(res, 200, this.tokenResponse(account, access));
  }

  /** undefined = anonymous, false = wrong credentials. */
  private authenticate(header: string | undefined): string | undefined | false {
    if (!header?.startsWith('Basic ')) return undefined;
    const decoded = Buffer.from(header.slice(6), 'base64').toString();
    const colon = decoded.indexOf(':');
    const [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    const known = this.options.users.some(
      (u) => u.username === username && u.password === password,
    );
    return colon > 0 && known ? username : false;
  }

  private grant(requested: TokenAccess, account: string | undefined): TokenAccess {
    if (account !== undefined) return requested;
    const actions = this.anonymousPull ? requested.actions.filter((a) => a === 'pull') : [];
    return { ...requested, actions };
  }

  private tokenResponse(account: string | undefined, access: TokenAccess[]): object {
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = this.tokenExpiresAt ?? now + this.tokenTtlSeconds;
    const claims = {
      iss: this.options.issuer,
      sub: account ?? '',
      aud: this.options.service,
      exp: expiresAt - REGISTRY_LEEWAY_SECONDS,
      nbf: now - 5,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const token = signJwt(claims, this.options.signing);
    const issuedAt = new Date(now * 1000).toISOString();
    const expiresIn = Math.max(1, expiresAt - now);
    return { token, access_token: token, expires_in: expiresIn, issued_at: issuedAt };
  }
}

/** `repository:team/app:pull,push` → type, name, actions (names may not contain `:`, hosts may). */
function parseScope(scope: string): TokenAccess {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || first === last) return { type: scope, name: '', actions: [] };
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter(Boolean);
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
