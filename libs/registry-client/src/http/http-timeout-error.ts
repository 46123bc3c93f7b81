export type TimeoutPhase = 'connect' | 'headers' | 'idle';

const WHAT: Record<TimeoutPhase, string> = {
  connect: 'no connection',
  headers: 'no response headers',
  idle: 'no data',
};

/** One of the client's three timeouts fired; `code` lets it classify like a system error. */
export class HttpTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';

  constructor(
    readonly phase: TimeoutPhase,
    readonly ms: number,
  ) {
    super(`${WHAT[phase]} within ${ms} ms (${phase} timeout)`);
    this.name = 'HttpTimeoutError';
  }
}
