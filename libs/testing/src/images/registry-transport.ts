import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Where to push: a RegistryFixture fits this shape as it is. */
export interface RegistryTarget {
  url: string;
  /** The CA that signed the registry's certificate (global fetch cannot take one per request). */
  caCertPem?: string;
  credentials?: { username: string; password: string };
}

export interface RegistryResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RegistryRequest {
  method: string;
  /** A path (`/v2/...`) or an absolute URL (an upload `Location`). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

/** A response outside what the caller expected. */
export class RegistryRequestError extends Error {
  constructor(
    readonly request: RegistryRequest,
    readonly response: RegistryResponse,
  ) {
    super(
      `${request.method} ${request.path} → ${response.status}: ${response.body.toString().slice(0, 500)}`,
    );
  }

  get status(): number {
    return this.response.status;
  }
}

/**
 * HTTP for the test push client: node:http(s) (for the custom CA), Basic auth, and the Bearer
 * challenge flow — on a 401, read `WWW-Authenticate`, get a token for the scope the registry
 * named, retry once. One Authorization is cached per repository.
 */
export class RegistryTransport {
  private readonly agents: { http: HttpAgent; https: HttpsAgent };
  private readonly authorizations = new Map<string, string>();

  constructor(readonly target: RegistryTarget) {
    this.agents = {
      http: new HttpAgent({ keepAlive: true }),
      https: new HttpsAgent({ keepAlive: true, ca: target.caCertPem }),
    };
  }

  async request(req: RegistryRequest): Promise<RegistryResponse> {
    const url = new URL(req.path, this.target.url);
    const key = repositoryOf(url.pathname);
    const cached = this.authorizations.get(key);
    const first = await this.send(url, req, cached);
    if (first.status !== 401) return first;
    const authorization = await this.answerChallenge(first.headers['www-authenticate']);
    if (!authorization) return first;
    this.authorizations.set(key, authorization);
    return this.send(url, req, authorization);
  }

  /** Drops pooled keep-alive sockets. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async answerChallenge(challenge: string | undefined): Promise<string | undefined> {
    const creds = this.target.credentials;
    const basic =
      creds && `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    if (!challenge) return undefined;
    if (/^basic /i.test(challenge)) return basic;
    if (!/^bearer /i.test(challenge)) return undefined;
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    const tokenUrl = new URL(params.realm);
    if (params.service) tokenUrl.searchParams.set('service', params.service);
    for (const scope of (params.scope ?? '').split(' ').filter(Boolean))
      tokenUrl.searchParams.append('scope', scope);
    const response = await this.send(tokenUrl, { method: 'GET', path: tokenUrl.href }, basic);
    if (response.status !== 200)
      throw new RegistryRequestError({ method: 'GET', path: tokenUrl.href }, response);
    const body = JSON.parse(response.body.toString()) as { token?: string; access_token?: string };
    return `Bearer ${body.token ?? body.access_token}`;
  }

  private send(url: URL, req: RegistryRequest, authorization?: string): Promise<RegistryResponse> {
    const https = url.protocol === 'https:';
    const headers: Record<string, string> = { ...req.headers };
    if (authorization) headers.Authorization = authorization;
    if (req.body) headers['Content-Length'] = String(req.body.length);
    const options = {
      method: req.method,
      headers,
      agent: https ? this.agents.https : this.agents.http,
    };
    return new Promise((resolve, reject) => {
      const request = (https ? httpsRequest : httpRequest)(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      });
      request.on('error', reject);
      request.end(req.body);
    });
  }
}

/** `/v2/<name>/(blobs|manifests|tags)/...` → `<name>`; anything else shares one slot. */
function repositoryOf(pathname: string): string {
  const match = /^\/v2\/(.+?)\/(blobs|manifests|tags)\//.exec(pathname);
  return match ? match[1] : '';
}
