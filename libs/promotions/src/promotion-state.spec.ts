import { PROMOTION_STATUSES, type PromotionStatus } from './promotion.repository';
import {
  claimsOf,
  mayFollow,
  NEXT_STATUSES,
  requireCancellable,
  requireRetryable,
  settlementOf,
  targetFailure,
} from './promotion-state';

const target = (status: PromotionStatus, registry = 'prod-eu') => ({
  status,
  registry,
  errorCode: status === 'failed' ? 'REGISTRY_ERROR' : null,
  errorMessage: status === 'failed' ? 'manifest refused' : null,
});

describe('the promotion state machine', () => {
  it('knows every status; a succeeded promotion is final, failed and cancelled ones retry', () => {
    expect(Object.keys(NEXT_STATUSES).sort()).toEqual([...PROMOTION_STATUSES].sort());
    expect(NEXT_STATUSES.succeeded).toEqual([]);
    expect(mayFollow('failed', 'queued')).toBe(true);
    expect(mayFollow('cancelled', 'queued')).toBe(true);
    expect(mayFollow('running', 'queued')).toBe(false);
    expect(mayFollow('failed', 'cancelled')).toBe(false);
  });

  it.each(PROMOTION_STATUSES)('cancel and retry of a %s promotion', (status) => {
    const cancellable = status === 'queued' || status === 'running';
    const retryable = status === 'failed' || status === 'cancelled';
    const outcome = (check: () => void) => {
      try {
        check();
        return 'allowed';
      } catch (error) {
        return (error as { code: string }).code;
      }
    };
    expect(outcome(() => requireCancellable('p', status))).toBe(
      cancellable ? 'allowed' : 'CONFLICT',
    );
    expect(outcome(() => requireRetryable('p', status))).toBe(retryable ? 'allowed' : 'CONFLICT');
  });

  it('a failure reaches only a running target: a cancelled one stays cancelled', () => {
    const error = { code: 'REGISTRY_UNREACHABLE', message: 'refused' };
    expect(targetFailure('running', error, true)).toEqual({
      status: 'failed',
      errorCode: 'REGISTRY_UNREACHABLE',
      errorMessage: 'refused',
    });
    expect(targetFailure('running', error, false)?.status).toBe('queued');
    expect(targetFailure('cancelled', error, true)).toBeNull();
    expect(targetFailure(undefined, error, true)).toBeNull();
  });

  it('settles a promotion once none of its targets is active', () => {
    expect(settlementOf('running', [target('succeeded'), target('succeeded')])).toEqual({
      status: 'succeeded',
    });
    expect(settlementOf('running', [target('succeeded'), target('failed', 'prod-us')])).toEqual({
      status: 'failed',
      errorCode: 'REGISTRY_ERROR',
      errorMessage: 'prod-us: manifest refused',
    });
    expect(settlementOf('running', [target('cancelled')])).toEqual({
      status: 'failed',
      errorCode: 'INTERNAL',
      errorMessage: 'prod-eu: failed',
    });
    expect(settlementOf('running', [target('succeeded'), target('running')])).toBeNull();
    expect(settlementOf('queued', [target('queued')])).toBeNull();
    expect(settlementOf('cancelled', [target('succeeded')])).toBeNull();
    expect(settlementOf('succeeded', [target('succeeded')])).toBeNull();
  });

  it('claims every tag in every destination', () => {
    const destinations = [
      { registryId: 'r1', repository: 'team/app' },
      { registryId: 'r2', repository: 'team/app' },
    ];
    expect(claimsOf(destinations, ['1.0', 'stable'])).toEqual([
      { registryId: 'r1', repository: 'team/app', tag: '1.0' },
      { registryId: 'r1', repository: 'team/app', tag: 'stable' },
      { registryId: 'r2', repository: 'team/app', tag: '1.0' },
      { registryId: 'r2', repository: 'team/app', tag: 'stable' },
    ]);
    expect(claimsOf(destinations, [])).toEqual([]);
  });
});
