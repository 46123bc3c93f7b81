import type { Response } from 'express';

/** What an intake answers: 202 with what it stored (maybe replayed), or 200 for a dry run. */
export interface IntakeAnswer<Accepted, DryRun> {
  status: 200 | 202;
  body: Accepted | DryRun;
  replayed: boolean;
}

/**
 * Sends an intake's answer: its status, `Location` of what a 202 stored, and
 * `Idempotency-Replayed: true` when the Idempotency-Key answered an earlier request again.
 */
export function sendIntakeAnswer<Accepted extends { id: string }, DryRun>(
  response: Response,
  answer: IntakeAnswer<Accepted, DryRun>,
  collection: string,
): Accepted | DryRun {
  response.status(answer.status);
  if (answer.status === 202)
    response.setHeader('Location', `${collection}/${(answer.body as Accepted).id}`);
  if (answer.replayed) response.setHeader('Idempotency-Replayed', 'true');
  return answer.body;
}
