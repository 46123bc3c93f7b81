import { recoveryStep } from './integrity-run-recovery';
import type { RunJobState } from './integrity-schedules';

describe('recoveryStep', () => {
  const step = (status: 'queued' | 'running', job?: RunJobState) => recoveryStep({ status }, job);

  it('leaves a run alone while its job is pending', () => {
    for (const state of ['waiting', 'delayed', 'prioritized', 'active', 'waiting-children']) {
      expect(step('queued', { state })).toEqual({ do: 'leave' });
      expect(step('running', { state })).toEqual({ do: 'leave' });
    }
  });

  it('queues again a queued run whose job is gone, and fails one whose job failed for good', () => {
    expect(step('queued', { state: 'missing' })).toEqual({ do: 'requeue' });
    expect(
      step('queued', { state: 'failed', failedReason: 'registry "prod-eu" is being audited' }),
    ).toEqual({ do: 'fail', message: 'its job failed: registry "prod-eu" is being audited' });
    expect(step('queued', { state: 'completed' })).toEqual({
      do: 'fail',
      message: 'its job ended (completed) without running it',
    });
  });

  it('fails a running run whose job is not pending only if no audit holds its registry', () => {
    expect(step('running', { state: 'missing' })).toEqual({ do: 'fail-if-unlocked' });
    expect(step('running', { state: 'failed' })).toEqual({ do: 'fail-if-unlocked' });
    expect(step('running')).toEqual({ do: 'fail-if-unlocked' }); // a tick's run
  });

  it('leaves a queued run without a job of its own to its tick', () => {
    expect(step('queued')).toEqual({ do: 'leave' });
  });
});
