import {
  parseRetryAfter,
  RegistryError,
  systemClock,
  type Clock,
  type RequestGate,
  type RequestGateContext,
} from '@airlock/registry-client';
import { Logger } from '@nestjs/common';
import type IORedis from 'ioredis';

export interface UpstreamBudgetOptions {
  /** The longest a request waits out a pause upstream asked for before it is refused (default 5 min). */
  maxWaitMs?: number;
  clock?: Clock;
}

/** What is known of one upstream's limits, as stored (a past `pausedUntil` is kept until the hash expires). */
export interface UpstreamState {
  pausedUntil?: Date;
  remaining?: number;
  limit?: number;
  windowEndsAt?: Date;
}

/** One `RateLimit-Limit` / `RateLimit-Remaining` value: Docker Hub's `76;w=21600`, or a bare `76`. */
export interface RateLimitValue {
  value: number;
  windowSeconds?: number;
}

/** What one answer tells about an upstream's limits, in epoch milliseconds. */
export interface UpstreamFacts {
  pausedUntil?: number;
  remaining?: number;
  limit?: number;
  windowEndsAt?: number;
}

interface Registry {
  id: string;
  name: string;
}

type Verdict = { kind: 'paused'; until: number } | { kind: 'exhausted'; until: number };

const DEFAULT_MAX_WAIT_MS = 300_000;
/** A 429 without (a readable) Retry-After still pauses everyone for a while. */
const DEFAULT_PAUSE_MS = 60_000;
/** A RateLimit-Remaining without `w=` counts for this long. */
const DEFAULT_WINDOW_MS = 60_000;
/** How long the hash outlives the last pause or window it records. */
const LINGER_MS = 60_000;
/** Docker Hub counts manifest GETs against the pull limit; HEADs and blob GETs do not. */
const MANIFEST_PATH = /^\/v2\/.+\/manifests\/[^/]+$/;

// Both scripts keep read-and-write atomic across every worker process sharing the hash.
// ARGV[1] is now (ms); '' means "no such fact".
const RECORD = `
local now = tonumber(ARGV[1])
if ARGV[2] ~= '' then
  local current = tonumber(redis.call('HGET', KEYS[1], 'pausedUntil') or '0')
  if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], 'pausedUntil', ARGV[2]) end
end
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[1], 'remaining', ARGV[3], 'windowEndsAt', ARGV[4])
  if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'limit', ARGV[5]) end
end
local kept = redis.call('HMGET', KEYS[1], 'pausedUntil', 'windowEndsAt')
local last = math.max(tonumber(kept[1] or '0'), tonumber(kept[2] or '0'))
redis.call('PEXPIRE', KEYS[1], math.floor(math.max(last - now, 0) + tonumber(ARGV[6])))
return 1
`;

// ARGV[2] = '1' when the request counts against the pull budget.
const TAKE = `
local now = tonumber(ARGV[1])
local f = redis.call('HMGET', KEYS[1], 'pausedUntil', 'remaining', 'windowEndsAt')
if tonumber(f[1] or '0') > now then return {'paused', f[1]} end
if ARGV[2] == '1' and f[2] and tonumber(f[3] or '0') > now then
  if tonumber(f[2]) <= 0 then return {'exhausted', f[3]} end
  redis.call('HINCRBY', KEYS[1], 'remaining', -1)
end
return {}
`;

/**
 * One request budget per upstream registry, kept in Redis so that every mirror job in every worker
 * process shares it: a 429 pauses them all until Retry-After has passed, and a pull budget that
 * RateLimit-Remaining reports as spent refuses manifest GETs until its window ends, without
 * spending requests upstream would only answer with another 429.
 */
export class UpstreamBudget {
  private static readonly logger = new Logger('UpstreamBudget');
  private readonly maxWaitMs: number;
  private readonly clock: Clock;
  /** Facts from after() still on their way to Redis, per registry: before() lets them land first. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(
    private readonly redis: IORedis,
    private readonly keyPrefix: string,
    options: UpstreamBudgetOptions = {},
  ) {
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.clock = options.clock ?? systemClock;
  }

  /** The gate for a RegistryClient of this upstream (`gate: budget.gateFor(registry)`). */
  gateFor(registry: Registry): RequestGate {
    return {
      before: (context) => this.admit(registry, context),
      after: (_context, response) => this.observe(registry.id, response),
    };
  }

  async state(registryId: string): Promise<UpstreamState> {
    const [pausedUntil, remaining, limit, windowEndsAt] = (
      await this.redis.hmget(
        this.key(registryId),
        'pausedUntil',
        'remaining',
        'limit',
        'windowEndsAt',
      )
    ).map((field) => (field === null ? undefined : Number(field)));
    return {
      ...(pausedUntil !== undefined && { pausedUntil: new Date(pausedUntil) }),
      ...(remaining !== undefined && { remaining }),
      ...(limit !== undefined && { limit }),
      ...(windowEndsAt !== undefined && { windowEndsAt: new Date(windowEndsAt) }),
    };
  }

  private async admit(registry: Registry, context: RequestGateContext): Promise<void> {
    await this.writes.get(registry.id);
    const counts = context.method === 'GET' && MANIFEST_PATH.test(context.path);
    const deadline = this.clock.now() + this.maxWaitMs;
    for (;;) {
      const now = this.clock.now();
      const verdict = await this.take(registry, now, counts);
      if (!verdict) return;
      const operation = `${context.method} ${context.path}`;
      const until = new Date(verdict.until).toISOString();
      if (verdict.kind === 'exhausted') {
        const message = `pull budget exhausted until ${until} (RateLimit-Remaining 0): ${operation} not sent`;
        throw refusal(registry, operation, message, verdict.until - now);
      }
      if (verdict.until > deadline) {
        const message = `upstream asked to pause for ${seconds(verdict.until - now)} (until ${until}), longer than a request may wait (${seconds(this.maxWaitMs)}): ${operation} not sent`;
        throw refusal(registry, operation, message, verdict.until - now);
      }
      // Then look again: another job may have been told to pause longer meanwhile.
      await this.clock.sleep(verdict.until - now, context.signal);
    }
  }

  /** Undefined: go ahead (a manifest GET has been counted). Redis failing lets the request go too. */
  private async take(
    registry: Registry,
    now: number,
    counts: boolean,
  ): Promise<Verdict | undefined> {
    let reply: unknown;
    try {
      reply = await this.redis.eval(TAKE, 1, this.key(registry.id), now, counts ? '1' : '0');
    } catch (error) {
      UpstreamBudget.logger.warn(
        `registry "${registry.name}": upstream budget unavailable, request sent unchecked: ${(error as Error).message}`,
      );
      return undefined;
    }
    const [kind, until] = reply as [string?, string?];
    if (kind === 'paused' || kind === 'exhausted') return { kind, until: Number(until) };
    return undefined;
  }

  private observe(
    registryId: string,
    response: { status: number; headers: Record<string, string> },
  ): void {
    const now = this.clock.now();
    const facts = upstreamFacts(response, now);
    if (!facts) return;
    const write = this.record(registryId, facts, now).catch((error: Error) =>
      UpstreamBudget.logger.warn(`upstream budget not updated: ${error.message}`),
    );
    const landed = Promise.all([this.writes.get(registryId), write]).then(() => undefined);
    this.writes.set(registryId, landed);
    void landed.then(() => {
      if (this.writes.get(registryId) === landed) this.writes.delete(registryId);
    });
  }

  private async record(registryId: string, facts: UpstreamFacts, now: number): Promise<void> {
    const text = (value: number | undefined): string => (value === undefined ? '' : String(value));
    await this.redis.eval(
      RECORD,
      1,
      this.key(registryId),
      now,
      text(facts.pausedUntil),
      text(facts.remaining),
      text(facts.windowEndsAt),
      text(facts.limit),
      LINGER_MS,
    );
  }

  private key(registryId: string): string {
    return `${this.keyPrefix}:airlock:upstream:${registryId}`;
  }
}

/** Reads a 429's Retry-After and the RateLimit-* headers; undefined when the answer says nothing. */
export function upstreamFacts(
  response: { status: number; headers: Record<string, string> },
  now: number,
): UpstreamFacts | undefined {
  const facts: UpstreamFacts = {};
  if (response.status === 429) {
    const waitMs = parseRetryAfter(response.headers['retry-after'], now) ?? DEFAULT_PAUSE_MS;
    facts.pausedUntil = now + waitMs;
  }
  const remaining = parseRateLimit(response.headers['ratelimit-remaining']);
  if (remaining) {
    const limit = parseRateLimit(response.headers['ratelimit-limit']);
    const windowSeconds = remaining.windowSeconds ?? limit?.windowSeconds;
    facts.remaining = remaining.value;
    facts.limit = limit?.value;
    facts.windowEndsAt =
      now + (windowSeconds === undefined ? DEFAULT_WINDOW_MS : windowSeconds * 1000);
  }
  return facts.pausedUntil === undefined && facts.remaining === undefined ? undefined : facts;
}

/**
 * `76;w=21600` (Docker Hub: 76 left in a 21600 s window) or `76`. Of a list (a repeated header,
 * joined with ", ") the first entry counts. Anything else is undefined: no budget is better than
 * a wrong one.
 */
export function parseRateLimit(header: string | undefined): RateLimitValue | undefined {
  const [value, ...params] = (header?.split(',')[0] ?? '').split(';').map((part) => part.trim());
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) return undefined;
  const window = params.map((param) => /^w=(\d+)$/i.exec(param)).find(Boolean);
  return {
    value: Number(value),
    ...(window && { windowSeconds: Number(window[1]) }),
  };
}

function refusal(
  registry: Registry,
  operation: string,
  message: string,
  waitMs: number,
): RegistryError {
  const error = new RegistryError(
    'REGISTRY_RATE_LIMITED',
    `registry "${registry.name}": ${message}`,
    {
      registry: registry.name,
      status: 429,
      ociCode: 'TOOMANYREQUESTS',
      operation,
      retryable: false,
    },
  );
  // Not retried in-process (the wait is too long for that); a job may be rescheduled after it.
  error.details.retryAfterMs = waitMs;
  return error;
}

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}
