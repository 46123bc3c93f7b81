/**
 * What `airlock` exits with. Pipelines branch on these, so they are part of the CLI's contract:
 * 1 means "Airlock said no" (fix the image, the gates or the request), 3 means "try again later"
 * (nothing was decided), 2 means the command line itself is wrong.
 */
export const ExitCode = {
  ok: 0,
  refused: 1,
  usage: 2,
  unavailable: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code for an HTTP answer: 2xx done, 4xx refused, anything else Airlock's trouble. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status >= 200 && status < 300) return ExitCode.ok;
  if (status >= 400 && status < 500) return ExitCode.refused;
  return ExitCode.unavailable;
}

/** Promotion (and release) statuses after which nothing changes any more. */
export const TERMINAL_STATUSES = ['succeeded', 'failed', 'cancelled'] as const;

export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** A finished promotion or release: only `succeeded` is a success; failed and cancelled fail. */
export function exitCodeForPromotion(status: string): ExitCode {
  return status === 'succeeded' ? ExitCode.ok : ExitCode.refused;
}

/** The text `airlock --help` ends with; docs/ci-integration.md repeats it. */
export const EXIT_CODES_HELP = `Exit codes:
  0  success (promote --wait: the promotion or release succeeded; readiness: ready)
  1  refused or failed: a policy is unmet (POLICY_UNMET, RELEASE_NOT_READY), a tag conflicts
     (TAG_CONFLICT), any other 4xx problem, the promotion or release failed or was cancelled,
     the image is not ready
  2  usage error: bad or missing flags or release file, no URL or token
  3  Airlock or a registry is unreachable, a 5xx answer, or a timeout (also promote --wait
     outliving --timeout, while the promotion goes on): retry, or check with airlock status
     (airlock release-status for a release)`;
