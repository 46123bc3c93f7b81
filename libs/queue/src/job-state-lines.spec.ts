import { jobStateLines } from './job-state-lines';

const job = (overrides: Record<string, unknown> = {}) => ({
  id: 'promotion-t1-1',
  attemptsStarted: 1,
  stalledCounter: 0,
  opts: { attempts: 5 },
  ...overrides,
});

describe('jobStateLines', () => {
  it('active and completed name the job, queue and attempt, completed its run time', () => {
    expect(jobStateLines.active('promotion', job())).toBe(
      'job promotion-t1-1 on promotion: active (attempt 1 of 5)',
    );
    expect(jobStateLines.completed('promotion', job({ processedOn: 1000, finishedOn: 1250 }))).toBe(
      'job promotion-t1-1 on promotion: completed (attempt 1 of 5) in 250 ms',
    );
  });

  it('a failed attempt says whether and when it is retried, or that it failed for good', () => {
    expect(jobStateLines.failed('promotion', job({ attemptsStarted: 2, delay: 2400 }))).toBe(
      'job promotion-t1-1 on promotion: attempt 2 of 5 failed; retrying in 2400 ms',
    );
    expect(jobStateLines.failed('promotion', job({ delay: 0 }))).toBe(
      'job promotion-t1-1 on promotion: attempt 1 of 5 failed; retrying now',
    );
    expect(
      jobStateLines.failed(
        'promotion',
        job({ attemptsStarted: 6, stalledCounter: 5, processedOn: 10, finishedOn: 30 }),
      ),
    ).toBe(
      'job promotion-t1-1 on promotion: failed for good (attempt 6 of 5, 5 lost workers) in 20 ms',
    );
  });

  it('counts lost workers in the attempt', () => {
    expect(jobStateLines.active('promotion', job({ attemptsStarted: 3, stalledCounter: 1 }))).toBe(
      'job promotion-t1-1 on promotion: active (attempt 3 of 5, 1 lost worker)',
    );
    expect(jobStateLines.stalled('promotion', 'promotion-t1-1')).toMatch(
      /^job promotion-t1-1 on promotion: stalled — its worker stopped renewing the lock/,
    );
  });
});
