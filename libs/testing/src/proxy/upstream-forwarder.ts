import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream';

// RFC 9110 §7.6.1: these describe one connection, not the message; each hop sets its own.
// `expect` too: the proxy's own server has already answered any `100-continue`.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

/** Sends proxied requests on to the target registry, bodies streamed both ways. */
export class UpstreamForwarder {
  private readonly target: URL;
  private readonly agent: HttpAgent | HttpsAgent;

  constructor(target: string, ca?: string) {
    this.target = new URL(target);
    const https = this.target.protocol === 'https:';
    this.agent = https
      ? new HttpsAgent({ keepAlive: true, ca })
      : new HttpAgent({ keepAlive: true });
  }

  /**
   * Forwards the request (its body piped, not buffered) and resolves with the target's response,
   * whose body is not read yet. Rejects if the target cannot be reached or the client goes away.
   */
  open(req: IncomingMessage): Promise<IncomingMessage> {
    const options: RequestOptions = {
      protocol: this.target.protocol,
      hostname: this.target.hostname,
      port: this.target.port,
      // The raw path, not a parsed URL: digests, `_state` and Range-resumes must arrive byte-exact.
      path: req.url,
      method: req.method,
      headers: { ...withoutHopByHop(req.headers), host: this.target.host },
      agent: this.agent,
    };
    const send = this.target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const upstream = send(options, resolve);
      upstream.on('error', reject);
      pipeline(req, upstream, (error) => {
        if (error) reject(error);
      });
    });
  }

  /**
   * The target's response headers for the client. A `Location` on the target's origin (the
   * registry's upload URLs are absolute) is moved to the proxy, or the client would leave it.
   * `WWW-Authenticate` is left alone: its realm is a token server the proxy does not front.
   */
  responseHeaders(upstream: IncomingMessage, proxyOrigin: string): OutgoingHttpHeaders {
    const headers = withoutHopByHop(upstream.headers);
    const location = headers.location;
    if (typeof location === 'string')
      headers.location = this.rewriteLocation(location, proxyOrigin);
    return headers;
  }

  /** Drops pooled keep-alive connections to the target. */
  close(): void {
    this.agent.destroy();
  }

  private rewriteLocation(location: string, proxyOrigin: string): string {
    if (!ORIGIN.test(location) || new URL(location).origin !== this.target.origin) return location;
    return location.replace(ORIGIN, proxyOrigin);
  }
}

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((token) => token.trim().toLowerCase());
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.includes(name)) kept[name] = value;
  }
  return kept;
}
