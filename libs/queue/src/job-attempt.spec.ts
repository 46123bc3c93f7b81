import { attemptOf, workerLostError } from './job-attempt';

const job = (attemptsStarted: number, stalledCounter: number, attempts?: number) => ({
  attemptsStarted,
  stalledCounter,
  opts: { attempts },
});

describe('attemptOf', () => {
  it.each([
    // started, lost, attempts → number, final, exhausted
    [1, 0, 3, 1, false, false],
    [2, 0, 3, 2, false, false],
    [3, 0, 3, 3, true, false],
    // Two workers died: the third start is the last attempt although no attempt "failed".
    [3, 2, 3, 3, true, false],
    // Every attempt's worker died: the next start must not run the job.
    [4, 3, 3, 4, true, true],
    // A failure, then a lost worker on the final attempt.
    [4, 1, 3, 4, true, true],
    [1, 0, 1, 1, true, false],
    [2, 1, 1, 2, true, true],
  ])(
    'started %i times, %i of them lost, of %i attempts → attempt %i (final %s, exhausted %s)',
    (started, lost, attempts, number, final, exhausted) => {
      expect(attemptOf(job(started, lost, attempts))).toEqual({
        number,
        of: attempts,
        final,
        exhausted,
        lost,
      });
    },
  );

  it('treats a job without attempts as one attempt, and a not yet started job as the first', () => {
    expect(attemptOf(job(0, 0))).toMatchObject({ number: 1, of: 1, final: true, exhausted: false });
  });
});

describe('workerLostError', () => {
  it('says how often the worker was lost and that the attempts are used up, with code WORKER_LOST', () => {
    const error = workerLostError(attemptOf(job(6, 5, 5)));
    expect(error.code).toBe('WORKER_LOST');
    expect(error.message).toMatch(/worker running the job was lost 5 times .* all 5 attempts/);
    expect(error.details).toEqual({ attempts: 5, lost: 5 });
    expect(workerLostError(attemptOf(job(2, 1, 1))).message).toMatch(/lost once/);
  });
});
