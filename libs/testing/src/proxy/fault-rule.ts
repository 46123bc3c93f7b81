/** Which requests a rule applies to, and how often. */
export interface FaultMatch {
  /** Case-insensitive. Default: any method. */
  method?: string;
  /** Tested against the request path without its query string. Default: any path. */
  path?: RegExp;
  /** How many matching requests the rule applies to before it is spent. Default 1; `Infinity`: all. */
  times?: number;
  /** Hold the request this long before forwarding it (or before answering, with `status`). */
  delayMs?: number;
}

/** The OCI distribution-spec error body (`{ "errors": [...] }`). */
export interface OciErrorBody {
  errors: Array<{ code: string; message?: string; detail?: unknown }>;
}

/** Answer with this status (and headers, body) without contacting the target. */
export interface StatusFault extends FaultMatch {
  status: number;
  /** e.g. `{ 'Retry-After': '1' }` or `{ 'WWW-Authenticate': 'Bearer realm="…"' }`. */
  headers?: Record<string, string>;
  /** An object is sent as JSON, a string as it is. Default: no body. */
  body?: string | OciErrorBody;
}

/** Forward, send this many bytes of the response body, then close the connection. */
export interface ResetAfterBytesFault extends FaultMatch {
  resetAfterBytes: number;
}

/** Forward, but flip every bit of the response body's byte at this offset. */
export interface CorruptByteFault extends FaultMatch {
  corruptByte: number;
}

/** Reset the client's connection at once: no answer at all. */
export interface ResetFault extends FaultMatch {
  reset: true;
}

/** Only delay, then forward untouched. */
export interface DelayFault extends FaultMatch {
  delayMs: number;
}

export type FaultRule =
  StatusFault | ResetAfterBytesFault | CorruptByteFault | ResetFault | DelayFault;

export type FaultKind = 'status' | 'resetAfterBytes' | 'corruptByte' | 'reset' | 'delayMs';

/** What `addRule` hands back, to check how often a rule fired. */
export interface FaultHandle {
  readonly kind: FaultKind;
  readonly applied: number;
  readonly remaining: number;
}

interface ActiveRule extends FaultHandle {
  readonly rule: FaultRule;
  applied: number;
  remaining: number;
}

const PRIMARY_KINDS = ['status', 'resetAfterBytes', 'corruptByte', 'reset'] as const;

/** The rules of one proxy, first added first matched; one rule applies per request. */
export class FaultRules {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): FaultHandle {
    const active: ActiveRule = { rule, kind: kindOf(rule), applied: 0, remaining: timesOf(rule) };
    this.rules.push(active);
    return active;
  }

  /** The rule for this request, counted as applied; undefined when none matches. */
  take(method: string, path: string): ActiveRule | undefined {
    const active = this.rules.find((r) => r.remaining > 0 && matches(r.rule, method, path));
    if (!active) return undefined;
    active.remaining -= 1;
    active.applied += 1;
    return active;
  }

  clear(): void {
    this.rules = [];
  }
}

function kindOf(rule: FaultRule): FaultKind {
  const kinds = PRIMARY_KINDS.filter((kind) => kind in rule);
  if (kinds.length > 1) throw new Error(`a fault rule does one thing, not ${kinds.join(' and ')}`);
  if (kinds.length === 1) return kinds[0];
  if (rule.delayMs === undefined)
    throw new Error('a fault rule needs status, resetAfterBytes, corruptByte, reset or delayMs');
  return 'delayMs';
}

function timesOf(rule: FaultRule): number {
  const times = rule.times ?? 1;
  if (!(times >= 1)) throw new Error(`times must be at least 1, got ${times}`);
  return times;
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (rule.path === undefined) return true;
  rule.path.lastIndex = 0; // a /g or /y regex would otherwise resume where its last match ended
  return rule.path.test(path);
}
