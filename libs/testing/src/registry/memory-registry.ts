import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { closeServer, listenOnLoopback } from './loopback-server';
import { checkDigest, checkName, MemoryRegistryStore, OciError } from './memory-registry-store';

export interface MemoryRegistryOptions {
  /** Serve the OCI 1.1 referrers API (default true); false answers it 404, as distribution 2.8. */
  referrersApi?: boolean;
}

/** One request the registry answered. */
export interface MemoryRegistryRequest {
  method: string;
  /** The path, without the query. */
  path: string;
  /** The query string, `?` included, or ''. */
  query: string;
  /** The status answered. */
  status: number;
}

interface Exchange {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
  res: ServerResponse;
  name: string;
  /** The route's last path segment: a digest, tag or upload id (absent for some routes). */
  ref: string;
}

type Handler = (exchange: Exchange) => void;

const INDEX = 'application/vnd.oci.image.index.v1+json';
const NOT_FOUND = '404 page not found\n';

/**
 * An in-memory OCI Distribution registry (spec v1.1, what Airlock uses of it) on 127.0.0.1 —
 * for a registry with the referrers API, which no registry on the test machine has: `GET /v2/`,
 * blobs (HEAD/GET, monolithic and chunked uploads, mounts), manifests by tag or digest (PUT, GET,
 * HEAD, DELETE; `OCI-Subject` on a PUT with a subject), tag lists and
 * `GET /v2/<name>/referrers/<digest>[?artifactType=]`. No authentication. Every request is
 * logged in `requests`.
 */
export class MemoryRegistry {
  readonly requests: MemoryRegistryRequest[] = [];
  readonly store = new MemoryRegistryStore();
  readonly referrersApi: boolean;
  private readonly server: Server;
  private readonly routes: Array<{ pattern: RegExp; methods: Record<string, Handler> }>;
  private port = 0;

  private constructor(options: MemoryRegistryOptions) {
    this.referrersApi = options.referrersApi ?? true;
    this.server = createServer((req, res) => void this.handle(req, res));
    this.routes = [
      { pattern: /^\/v2\/?$/, methods: { GET: (x) => send(x, 200, {}, '{}') } },
      { pattern: /^\/v2\/(.+)\/blobs\/uploads\/?$/, methods: { POST: (x) => this.startUpload(x) } },
      {
        pattern: /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/,
        methods: {
          GET: (x) => this.uploadStatus(x, 204),
          PATCH: (x) => this.patchUpload(x),
          PUT: (x) => this.finishUpload(x),
          DELETE: (x) => (this.store.cancelUpload(x.name, x.ref), send(x, 204)),
        },
      },
      {
        pattern: /^\/v2\/(.+)\/blobs\/([^/]+)$/,
        methods: { GET: (x) => this.getBlob(x), HEAD: (x) => this.getBlob(x) },
      },
      {
        pattern: /^\/v2\/(.+)\/manifests\/([^/]+)$/,
        methods: {
          GET: (x) => this.getManifest(x),
          HEAD: (x) => this.getManifest(x),
          PUT: (x) => this.putManifest(x),
          DELETE: (x) => this.deleteManifest(x),
        },
      },
      { pattern: /^\/v2\/(.+)\/tags\/list$/, methods: { GET: (x) => this.listTags(x) } },
      {
        pattern: /^\/v2\/(.+)\/referrers\/([^/]+)$/,
        methods: this.referrersApi ? { GET: (x) => this.referrers(x) } : {},
      },
    ];
  }

  static async start(options: MemoryRegistryOptions = {}): Promise<MemoryRegistry> {
    const registry = new MemoryRegistry(options);
    registry.port = await listenOnLoopback(registry.server);
    return registry;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `127.0.0.1:<port>`, as image references name the registry. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The logged requests with `method` whose path matches `path`. */
  requestsTo(method: string, path: RegExp | string): MemoryRegistryRequest[] {
    return this.requests.filter(
      (r) =>
        r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    );
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const exchange = { method, url, headers: req.headers, body: Buffer.concat(chunks), res };
    try {
      this.route({ ...exchange, name: '', ref: '' });
    } catch (error) {
      if (error instanceof OciError) fail(exchange, error);
      else send({ method, res }, 500, { 'Content-Type': 'text/plain' }, String(error));
    }
    this.requests.push({ method, path: url.pathname, query: url.search, status: res.statusCode });
  }

  private route(exchange: Exchange): void {
    for (const { pattern, methods } of this.routes) {
      const match = pattern.exec(exchange.url.pathname);
      if (!match) continue;
      const handler = methods[exchange.method];
      // A route the registry does not serve at all 404s like an unknown path (gorilla/mux).
      if (Object.keys(methods).length === 0) break;
      if (!handler) throw new OciError(405, 'UNSUPPORTED', 'The operation is unsupported.');
      const name = decodeURIComponent(match[1] ?? '');
      if (match[1] !== undefined) checkName(name);
      return handler({ ...exchange, name, ref: decodeURIComponent(match[2] ?? '') });
    }
    send(exchange, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, NOT_FOUND);
  }

  private startUpload(x: Exchange): void {
    const mount = x.url.searchParams.get('mount');
    const from = x.url.searchParams.get('from');
    if (mount !== null && from !== null) {
      checkDigest(mount);
      if (this.store.mount(x.name, mount, from)) return this.created(x, mount);
    }
    const digest = x.url.searchParams.get('digest');
    if (digest !== null) {
      this.store.putBlob(x.name, digest, x.body);
      return this.created(x, digest);
    }
    this.uploadStatus({ ...x, ref: this.store.startUpload(x.name) }, 202);
  }

  private uploadStatus(x: Exchange, status: number): void {
    const size = this.store.uploadSize(x.name, x.ref);
    send(x, status, {
      Location: `/v2/${x.name}/blobs/uploads/${x.ref}`,
      Range: `0-${Math.max(size - 1, 0)}`,
      'Docker-Upload-UUID': x.ref,
    });
  }

  private patchUpload(x: Exchange): void {
    const range = x.headers['content-range'];
    this.store.appendUpload(x.name, x.ref, x.body, typeof range === 'string' ? range : undefined);
    this.uploadStatus(x, 202);
  }

  private finishUpload(x: Exchange): void {
    const digest = x.url.searchParams.get('digest');
    if (digest === null)
      throw new OciError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content');
    this.store.finishUpload(x.name, x.ref, digest, x.body);
    this.created(x, digest);
  }

  private created(x: Exchange, digest: string): void {
    send(x, 201, { Location: `/v2/${x.name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
  }

  private getBlob(x: Exchange): void {
    checkDigest(x.ref);
    const bytes = this.store.blob(x.name, x.ref);
    if (!bytes) throw new OciError(404, 'BLOB_UNKNOWN', 'blob unknown to registry', x.ref);
    const headers = { 'Content-Type': 'application/octet-stream', 'Docker-Content-Digest': x.ref };
    const range = /^bytes=(\d+)-$/.exec(String(x.headers.range ?? ''));
    const start = range ? Number(range[1]) : 0;
    if (start === 0 || start >= bytes.length) return send(x, 200, headers, bytes);
    const partial = {
      ...headers,
      'Content-Range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`,
    };
    send(x, 206, partial, bytes.subarray(start));
  }

  private getManifest(x: Exchange): void {
    const manifest = this.store.manifest(x.name, x.ref);
    if (!manifest)
      throw new OciError(404, 'MANIFEST_UNKNOWN', 'manifest unknown to registry', {
        name: x.name,
        reference: x.ref,
      });
    const headers = {
      'Content-Type': manifest.mediaType,
      'Docker-Content-Digest': manifest.digest,
    };
    send(x, 200, headers, manifest.bytes);
  }

  private putManifest(x: Exchange): void {
    const contentType = String(x.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    const stored = this.store.putManifest(x.name, x.ref, contentType, x.body);
    send(x, 201, {
      Location: `/v2/${x.name}/manifests/${stored.digest}`,
      'Docker-Content-Digest': stored.digest,
      ...(stored.subject && this.referrersApi ? { 'OCI-Subject': stored.subject } : {}),
    });
  }

  private deleteManifest(x: Exchange): void {
    if (!this.store.deleteManifest(x.name, x.ref))
      throw new OciError(404, 'MANIFEST_UNKNOWN', 'manifest unknown to registry', x.ref);
    send(x, 202);
  }

  /** `?n=&last=` paging with a `Link` to the next page, as distribution does. */
  private listTags(x: Exchange): void {
    const tags = this.store.tags(x.name);
    if (!tags) throw new OciError(404, 'NAME_UNKNOWN', 'repository name not known to registry');
    const last = x.url.searchParams.get('last');
    const n = Number(x.url.searchParams.get('n') ?? Infinity);
    const after = last === null ? tags : tags.filter((t) => t > last);
    const page = after.slice(0, n);
    const next = after.length > page.length ? page[page.length - 1] : undefined;
    const link =
      next === undefined
        ? {}
        : { Link: `</v2/${x.name}/tags/list?n=${n}&last=${encodeURIComponent(next)}>; rel="next"` };
    send(
      x,
      200,
      { 'Content-Type': 'application/json', ...link },
      json({ name: x.name, tags: page }),
    );
  }

  private referrers(x: Exchange): void {
    checkDigest(x.ref);
    if (!this.store.hasRepository(x.name))
      throw new OciError(404, 'NAME_UNKNOWN', 'repository name not known to registry', x.name);
    const artifactType = x.url.searchParams.get('artifactType') ?? undefined;
    const manifests = this.store.referrers(x.name, x.ref, artifactType);
    const filtered = artifactType === undefined ? {} : { 'OCI-Filters-Applied': 'artifactType' };
    const index = json({ schemaVersion: 2, mediaType: INDEX, manifests });
    send(x, 200, { 'Content-Type': INDEX, ...filtered }, index);
  }
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function send(
  x: Pick<Exchange, 'method' | 'res'>,
  status: number,
  headers: OutgoingHttpHeaders = {},
  body: Buffer | string = '',
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  x.res.writeHead(status, {
    'Docker-Distribution-API-Version': 'registry/2.0',
    'Content-Length': bytes.length,
    ...headers,
  });
  x.res.end(x.method === 'HEAD' ? undefined : bytes);
}

function fail(x: Pick<Exchange, 'method' | 'res'>, error: OciError): void {
  const body = { errors: [{ code: error.code, message: error.message, detail: error.detail }] };
  send(x, error.status, { 'Content-Type': 'application/json; charset=utf-8' }, json(body));
}
