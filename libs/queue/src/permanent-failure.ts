/**
 * Errors say whether trying again can help by carrying `retryable: false`. The worker turns
 * those into an immediate failure instead of spending the job's remaining attempts.
 */
export function isPermanentFailure(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { retryable?: unknown }).retryable === false
  );
}
