/** How hard the client tries before giving up; a request is retried only if its body can be replayed. */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  /** Backoff before the 2nd attempt is drawn from [0, baseDelayMs); it doubles per attempt. */
  baseDelayMs: number;
  /** Upper bound of one backoff. */
  maxDelayMs: number;
  /** No attempt starts after this much time since the first one. */
  budgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  budgetMs: 60_000,
};

/**
 * "Full jitter" exponential backoff (AWS architecture blog): uniformly random in
 * [0, min(max, base * 2^(attempt-1))), so many clients that failed together do not retry together.
 */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) in milliseconds from `nowMs`: delay-seconds or an HTTP-date.
 * Undefined for anything else, so a garbled header falls back to ordinary backoff.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse is lenient with bare numbers ("1.5", "-3"); an HTTP-date always has letters.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export interface RetryInput {
  /** The attempt that just failed (1 = the first). */
  attempt: number;
  /** Time since the first attempt started. */
  elapsedMs: number;
  /** What the server asked for (Retry-After), if it did. */
  retryAfterMs?: number;
}

/** How long to wait before the next attempt, or undefined when the policy says stop. */
export function planRetry(
  input: RetryInput,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  const remaining = policy.budgetMs - input.elapsedMs;
  if (input.attempt >= policy.maxAttempts || remaining <= 0) return undefined;
  const wanted = input.retryAfterMs ?? backoffDelay(input.attempt, policy, random);
  // A Retry-After beyond the budget is capped: one last attempt at the end of the budget.
  return Math.min(wanted, remaining);
}
