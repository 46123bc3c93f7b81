import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeServer, listenOnLoopback } from '../registry/loopback-server';
import { FaultRules, type FaultHandle, type FaultKind, type FaultRule } from './fault-rule';
import {
  answerWithStatus,
  passCorrupted,
  passThenCut,
  passThrough,
  resetConnection,
} from './response-faults';
import { UpstreamForwarder } from './upstream-forwarder';

export interface FaultProxyOptions {
  /** Base URL of the real registry, e.g. RegistryFixture.url. */
  target: string;
  /** PEM of the CA that signed an https target's certificate. */
  ca?: string;
}

/** One request as the proxy saw it, in arrival order. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
  hasAuthorization: boolean;
  /** The client's `Range` header, if any (a resumed read). */
  range?: string;
  /** The rule that applied, if one did. */
  fault?: FaultKind;
  /** The status the client was sent; undefined while pending, or when the connection was reset first. */
  status?: number;
}

/**
 * A reverse proxy on a free loopback port in front of a real registry, for tests of how a client
 * lives with a flaky one. It forwards everything unchanged (Range included) except what a rule
 * added with `addRule` says: answer a status, reset, cut or corrupt a body, or delay.
 */
export class FaultProxy {
  /** Every request, in arrival order; entries are completed as responses start. */
  readonly requests: ProxiedRequest[] = [];
  private readonly rules = new FaultRules();

  private constructor(
    private readonly server: Server,
    private readonly forwarder: UpstreamForwarder,
    readonly port: number,
  ) {}

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const forwarder = new UpstreamForwarder(options.target, options.ca);
    const server = createServer();
    const proxy = new FaultProxy(server, forwarder, await listenOnLoopback(server));
    // A proxy bug should fail the request under test, not crash the test process.
    server.on('request', (req: IncomingMessage, res: ServerResponse) =>
      proxy.handle(req, res).catch(() => res.destroy()),
    );
    return proxy;
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `http://${this.host}`;
  }

  /** Rules apply in the order added; each request gets at most one. */
  addRule(rule: FaultRule): FaultHandle {
    return this.rules.add(rule);
  }

  clearRules(): void {
    this.rules.clear();
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    this.clearRules();
    await closeServer(this.server);
    this.forwarder.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const record: ProxiedRequest = {
      method,
      path,
      hasAuthorization: req.headers.authorization !== undefined,
    };
    if (req.headers.range !== undefined) record.range = req.headers.range;
    this.requests.push(record);
    const active = this.rules.take(method, path.split('?')[0]);
    const rule = active?.rule;
    if (active) record.fault = active.kind;
    if (rule?.delayMs !== undefined) await sleep(rule.delayMs);
    if (req.socket.destroyed) return;
    if (rule && 'reset' in rule) return resetConnection(req);
    if (rule && 'status' in rule) {
      record.status = rule.status;
      return answerWithStatus(req, res, rule);
    }
    await this.forward(req, res, record, rule);
  }

  private async forward(
    req: IncomingMessage,
    res: ServerResponse,
    record: ProxiedRequest,
    rule?: FaultRule,
  ): Promise<void> {
    let upstream: IncomingMessage;
    try {
      upstream = await this.forwarder.open(req);
    } catch (error) {
      if (res.destroyed || res.headersSent) return void res.destroy();
      record.status = 502;
      res
        .writeHead(502, { 'Content-Type': 'text/plain' })
        .end(`fault proxy: target unreachable: ${(error as Error).message}`);
      return;
    }
    const status = upstream.statusCode ?? 502;
    record.status = status;
    res.writeHead(
      status,
      upstream.statusMessage,
      this.forwarder.responseHeaders(upstream, this.url),
    );
    if (rule && 'resetAfterBytes' in rule) passThenCut(upstream, res, rule.resetAfterBytes);
    else if (rule && 'corruptByte' in rule) passCorrupted(upstream, res, rule.corruptByte);
    else passThrough(upstream, res);
  }
}
