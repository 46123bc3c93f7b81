import type { Response } from 'express';

/**
 * Aborts when the response closes — answered, or the client went away before the answer — so
 * a waiting request stops waiting for a client that is gone.
 */
export function closedSignal(response: Response): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => controller.abort());
  return controller.signal;
}
