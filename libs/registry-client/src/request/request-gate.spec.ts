import { Authenticator } from '../auth/authenticator';
import { Scopes } from '../auth/scope';
import type { IssuedToken } from '../auth/token-fetcher';
import type { Clock } from '../clock';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import { RegistryError } from '../registry-error';
import { Retrier } from '../retry/retrier';
import {
  RegistryRequester,
  type RequestGate,
  type RequestGateContext,
  type RegistryRequest,
} from './registry-requester';

interface Answer {
  status: number;
  headers?: Record<string, string>;
}

/** Answers from a script, in order, and writes every exchange into the shared journal. */
class ScriptedTransport {
  constructor(
    private readonly answers: Answer[],
    private readonly journal: string[],
  ) {}

  async exchange(request: HttpRequest): Promise<HttpResponse> {
    const answer = this.answers.shift();
    if (!answer) throw new Error(`unexpected ${request.method} ${request.url.href}`);
    this.journal.push(`exchange ${request.method} ${request.url.pathname}${request.url.search}`);
    return {
      status: answer.status,
      headers: answer.headers ?? {},
      url: request.url,
      body: Buffer.alloc(0),
    };
  }
}

/** Journals what it is told; `refuse` makes before() throw. */
class RecordingGate implements RequestGate {
  refuse?: RegistryError;
  failAfter = false;
  readonly answers: Array<{ status: number; headers: Record<string, string> }> = [];

  constructor(private readonly journal: string[]) {}

  async before(context: RequestGateContext): Promise<void> {
    this.journal.push(`before ${context.method} ${context.path} #${context.attempt}`);
    if (this.refuse) throw this.refuse;
  }

  after(
    context: RequestGateContext,
    response: { status: number; headers: Record<string, string> },
  ): void {
    this.journal.push(`after ${response.status} #${context.attempt}`);
    this.answers.push(response);
    if (this.failAfter) throw new Error('gate bug');
  }
}

const noTokens = {
  fetch: async (): Promise<IssuedToken> => {
    throw new Error('no token service in this test');
  },
};

describe('RegistryRequester with a RequestGate', () => {
  let now: number;
  let slept: number[];
  let journal: string[];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
  const policy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, budgetMs: 60_000 };
  const manifestGet: RegistryRequest = {
    method: 'GET',
    target: '/v2/app/manifests/1.0?ns=docker.io',
    scope: Scopes.pull('app'),
  };

  beforeEach(() => {
    now = 1_000_000;
    slept = [];
    journal = [];
  });

  const requester = (answers: Answer[], gate?: RequestGate): RegistryRequester =>
    new RegistryRequester({
      registry: 'hub',
      origin: 'https://hub.example',
      transport: new ScriptedTransport(answers, journal),
      auth: new Authenticator('hub', { username: 'robot', password: 'secret' }, noTokens, clock),
      retrier: new Retrier(policy, clock, () => 0.5),
      clock,
      gate,
    });

  it('is consulted before every attempt and told every answer, with the path but not the query', async () => {
    const gate = new RecordingGate(journal);
    const response = await requester([{ status: 503 }, { status: 200 }], gate).send(manifestGet);
    expect(response.status).toBe(200);
    expect(journal).toEqual([
      'before GET /v2/app/manifests/1.0 #1',
      'exchange GET /v2/app/manifests/1.0?ns=docker.io',
      'after 503 #1',
      'before GET /v2/app/manifests/1.0 #2',
      'exchange GET /v2/app/manifests/1.0?ns=docker.io',
      'after 200 #2',
    ]);
  });

  it('is told the 401 and the answer to the re-authenticated request, consulted once for both', async () => {
    const gate = new RecordingGate(journal);
    const challenge = { 'www-authenticate': 'Basic realm="hub"' };
    await requester([{ status: 401, headers: challenge }, { status: 200 }], gate).send(manifestGet);
    expect(journal).toEqual([
      'before GET /v2/app/manifests/1.0 #1',
      'exchange GET /v2/app/manifests/1.0?ns=docker.io',
      'after 401 #1',
      'exchange GET /v2/app/manifests/1.0?ns=docker.io',
      'after 200 #1',
    ]);
  });

  it('passes on the headers of an answer, lower-case as the transport gives them', async () => {
    const gate = new RecordingGate(journal);
    const headers = { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '76;w=21600' };
    await requester([{ status: 200, headers }], gate).send(manifestGet);
    expect(gate.answers).toEqual([{ status: 200, headers }]);
  });

  it('sends nothing when the gate refuses, and does not retry its refusal', async () => {
    const gate = new RecordingGate(journal);
    gate.refuse = new RegistryError('REGISTRY_RATE_LIMITED', 'pull budget exhausted', {
      registry: 'hub',
      status: 429,
      ociCode: 'TOOMANYREQUESTS',
      retryable: false,
    });
    await expect(requester([{ status: 200 }], gate).send(manifestGet)).rejects.toBe(gate.refuse);
    expect(journal).toEqual(['before GET /v2/app/manifests/1.0 #1']);
  });

  it('leaves the wait after a 429 to the gate: the retrier only backs off', async () => {
    const tooMany = { status: 429, headers: { 'retry-after': '30' } };
    await requester([tooMany, { status: 200 }], new RecordingGate(journal)).send(manifestGet);
    expect(slept).toEqual([50]);
    // Without a gate the retrier itself honours Retry-After, as before.
    await requester([tooMany, { status: 200 }]).send(manifestGet);
    expect(slept).toEqual([50, 30_000]);
  });

  it('still honours Retry-After on a 503 when there is a gate', async () => {
    const unavailable = { status: 503, headers: { 'retry-after': '7' } };
    await requester([unavailable, { status: 200 }], new RecordingGate(journal)).send(manifestGet);
    expect(slept).toEqual([7_000]);
  });

  it('returns the answer even when the gate throws in after()', async () => {
    const gate = new RecordingGate(journal);
    gate.failAfter = true;
    const response = await requester([{ status: 200 }], gate).send(manifestGet);
    expect(response.status).toBe(200);
    expect(gate.answers).toHaveLength(1);
  });
});
