import { waitFor } from '@airlock/testing';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
export interface Envelope {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}
/**
 * A webhook receiver: records every request (raw body kept for signature checks) and answers
 * each path from its script of statuses (200 once the script runs out).
 */
export class Receiver {
  readonly requests: Received[] = [];
  base = '';
  private readonly scripts = new Map<string, number[]>();
  private readonly server: Server = createServer((req, res) => this.handle(req, res));

  static async start(): Promise<Receiver> {
    const receiver = new Receiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.base = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      this.requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.statusCode = this.scripts.get(path)?.shift() ?? 200;
      res.end('thanks');
    });
  }

  /** The next answers on `path`, in order. */
  script(path: string, statuses: number[]): void {
    this.scripts.set(path, [...statuses]);
  }

  on(path: string): Received[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Waits until `path` received a request matching `match`; returns all of those. */
  async waitFor(path: string, count: number, match: (e: Envelope) => boolean = () => true) {
    return waitFor(`${count} request(s) on ${path}`, () => {
      const hits = this.on(path).filter((r) => match(JSON.parse(r.body) as Envelope));
      return hits.length >= count ? hits : undefined;
    });
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
