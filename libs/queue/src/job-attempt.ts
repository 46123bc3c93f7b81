import { AirlockError } from '@airlock/errors';

/** The counters BullMQ keeps on a job that say how often it ran (a `Job` has them). */
export interface AttemptCounters {
  /** Every start, the running one included — also the starts whose worker was lost. */
  attemptsStarted: number;
  /** Starts whose worker stopped renewing the job's lock: killed, out of memory, cut off from Redis. */
  stalledCounter: number;
  opts: { attempts?: number };
}

/** Which attempt of its job a run is, counting a lost worker as a used attempt. */
export interface JobAttempt {
  /** 1 for the first run. */
  number: number;
  /** The attempts the job may use. */
  of: number;
  /** No attempt follows this one: a failure now is final even if trying again could help. */
  final: boolean;
  /** The attempts are used up — the last one's worker was lost — so the job must not run again. */
  exhausted: boolean;
  /** How many starts lost their worker. */
  lost: number;
}

/**
 * A dead worker is a failed attempt like any other: BullMQ counts it in `attemptsStarted` but
 * not in `attemptsMade`, so the attempt number comes from the starts. Without that, a job whose
 * workers keep dying would never know its final attempt, and a crash-looping job would run forever.
 */
export function attemptOf(job: AttemptCounters): JobAttempt {
  const of = Math.max(1, job.opts.attempts ?? 1);
  const number = Math.max(1, job.attemptsStarted);
  return {
    number,
    of,
    final: number >= of,
    exhausted: number > of,
    lost: job.stalledCounter,
  };
}

/** Why an exhausted job fails: its workers were lost more often than its attempts allow. */
export function workerLostError(attempt: JobAttempt): AirlockError {
  const times = attempt.lost === 1 ? 'once' : `${attempt.lost} times`;
  return new AirlockError(
    'WORKER_LOST',
    `The worker running the job was lost ${times} (killed, out of memory or cut off from Redis) ` +
      `and all ${attempt.of} attempts are used up`,
    { details: { attempts: attempt.of, lost: attempt.lost } },
  );
}
