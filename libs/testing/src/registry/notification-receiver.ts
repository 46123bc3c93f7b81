import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { waitFor } from '../process/wait-for';
import { closeServer, listenOnLoopback } from './loopback-server';

export const NOTIFICATION_MEDIA_TYPE = 'application/vnd.docker.distribution.events.v1+json';

/** The parts of a distribution event (notifications/event.go) tests look at. */
export interface RegistryEvent {
  id: string;
  timestamp: string;
  action: 'push' | 'pull' | 'delete' | 'mount' | string;
  target: {
    mediaType?: string;
    size?: number;
    digest?: string;
    repository: string;
    url?: string;
    tag?: string;
  };
  request?: { id?: string; addr?: string; host?: string; method?: string; useragent?: string };
  actor?: { name?: string };
  source?: { addr?: string; instanceID?: string };
}

/** One POST the registry made: its headers (e.g. the configured Authorization) and events. */
export interface ReceivedEnvelope {
  headers: IncomingHttpHeaders;
  events: RegistryEvent[];
}

/** Collects the events a registry's `notifications.endpoints` entry POSTs to it. */
export class NotificationReceiver {
  readonly envelopes: ReceivedEnvelope[] = [];
  /** What the receiver answers; set to 500 to make the registry retry (it backs off, then resends). */
  responseStatus = 200;
  private readonly server: Server;
  private port = 0;

  private constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(): Promise<NotificationReceiver> {
    const receiver = new NotificationReceiver();
    receiver.port = await listenOnLoopback(receiver.server);
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/events`;
  }

  get events(): RegistryEvent[] {
    return this.envelopes.flatMap((e) => e.events);
  }

  /** Resolves with the first event (already received or arriving later) matching `predicate`. */
  async waitFor(
    predicate: (event: RegistryEvent) => boolean,
    timeoutMs = 15000,
  ): Promise<RegistryEvent> {
    return waitFor(
      'a matching registry event',
      () => this.events.find(predicate),
      timeoutMs,
      50,
    ).catch((error: Error) => {
      const seen = this.events.map(
        (e) => `${e.action} ${e.target.repository} ${e.target.mediaType} ${e.target.tag ?? ''}`,
      );
      throw new Error(`${error.message}; received ${seen.length} events:\n  ${seen.join('\n  ')}`);
    });
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || this.responseStatus >= 300) {
      res.writeHead(req.method === 'POST' ? this.responseStatus : 405).end();
      return;
    }
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { events?: RegistryEvent[] };
      this.envelopes.push({ headers: req.headers, events: body.events ?? [] });
      res.writeHead(200).end();
    } catch {
      res.writeHead(400).end();
    }
  }
}
