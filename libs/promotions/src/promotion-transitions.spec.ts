import type { AirlockError } from '@airlock/errors';
import { ALICE, DIGEST, OTHER, setup, tx } from '../test/transition-fakes';

async function refusedWith(work: Promise<unknown>): Promise<AirlockError> {
  return work.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: AirlockError) => error,
  );
}

const copyFailed = { code: 'REGISTRY_UNREACHABLE', message: 'connection refused' };
const destinations = [
  { registryId: 'r1', repository: 'team/app' },
  { registryId: 'r2', repository: 'team/app' },
];

describe('cancel and a copy failure racing for one promotion', () => {
  it('cancel first: the failure that follows leaves the cancellation standing', async () => {
    const { store, claims, audit, events, transitions } = setup();
    store.add('p', 'running', [['r1', 'running']]);
    await transitions.claim('p', DIGEST, destinations.slice(0, 1), ['1.0'], tx);
    const view = await transitions.cancel('p', ALICE, tx);
    await transitions.failTarget('p', 'p-t0', copyFailed, true, tx);
    expect(view.status).toBe('cancelled');
    expect(view.error).toEqual({ code: 'CANCELLED', message: 'Cancelled by alice' });
    expect(store.status('p')).toBe('cancelled');
    expect(store.targetStatuses('p')).toEqual(['cancelled']);
    expect(claims.of('p')).toEqual([]);
    expect(audit.actions()).toEqual(['promotion.cancelled by alice']);
    expect(events.types).toEqual([]);
  });

  it('the final failure first: the promotion failed, and a cancel after it is a CONFLICT', async () => {
    const { store, claims, audit, transitions } = setup();
    store.add('p', 'running', [['r1', 'running']]);
    await transitions.claim('p', DIGEST, destinations.slice(0, 1), ['1.0'], tx);
    await transitions.failTarget('p', 'p-t0', copyFailed, true, tx);
    const refused = await refusedWith(transitions.cancel('p', ALICE, tx));
    expect([refused.code, refused.message]).toEqual([
      'CONFLICT',
      'Promotion p is failed; only a queued or running promotion can be cancelled',
    ]);
    expect(store.status('p')).toBe('failed');
    expect(store.rows.get('p')!.errorCode).toBe('REGISTRY_UNREACHABLE');
    expect(claims.of('p')).toEqual([]);
    expect(audit.actions()).toEqual(['promotion.failed by system:promotion-worker']);
  });

  it('a transient failure first: the target waits to be retried, and the cancel takes it', async () => {
    const { store, transitions } = setup();
    store.add('p', 'running', [['r1', 'running']]);
    await transitions.failTarget('p', 'p-t0', copyFailed, false, tx);
    expect(store.targetStatuses('p')).toEqual(['queued']);
    expect(store.status('p')).toBe('running');
    await transitions.cancel('p', ALICE, tx);
    expect(store.targetStatuses('p')).toEqual(['cancelled']);
    expect(store.status('p')).toBe('cancelled');
  });

  it('one target failed while another still copies: the cancel stops the other one', async () => {
    const { store, audit, transitions } = setup();
    store.add('p', 'running', [
      ['r1', 'running'],
      ['r2', 'running'],
    ]);
    await transitions.failTarget('p', 'p-t0', copyFailed, true, tx);
    expect(store.status('p')).toBe('running');
    await transitions.cancel('p', ALICE, tx);
    expect(store.targetStatuses('p')).toEqual(['failed', 'cancelled']);
    expect(store.status('p')).toBe('cancelled');
    expect(audit.actions()).toEqual(['promotion.cancelled by alice']);
  });

  it('an unknown promotion cannot be cancelled', async () => {
    const refused = await refusedWith(setup().transitions.cancel('nope', ALICE, tx));
    expect(refused.code).toBe('NOT_FOUND');
  });
});

describe('settling a promotion', () => {
  it('succeeded when every target landed: claims released, audited and announced', async () => {
    const { store, claims, audit, events, transitions } = setup();
    store.add('p', 'running', [
      ['r1', 'succeeded'],
      ['r2', 'succeeded'],
    ]);
    await transitions.claim('p', DIGEST, destinations, ['1.0'], tx);
    await transitions.settle('p', tx);
    expect(store.status('p')).toBe('succeeded');
    expect(claims.of('p')).toEqual([]);
    expect(audit.actions()).toEqual(['promotion.succeeded by system:promotion-worker']);
    expect(audit.entries[0]!.before).toMatchObject({ status: 'running' });
    expect(audit.entries[0]!.after).toMatchObject({ status: 'succeeded' });
    expect(events.types).toEqual(['promotion.succeeded']);
  });

  it('failed when one target did not land, with that target’s error', async () => {
    const { store, events, transitions } = setup();
    store.add('p', 'running', [
      ['r1', 'succeeded'],
      ['r2', 'running'],
    ]);
    await transitions.failTarget('p', 'p-t1', copyFailed, true, tx);
    expect(store.status('p')).toBe('failed');
    expect(store.rows.get('p')).toMatchObject({
      errorCode: 'REGISTRY_UNREACHABLE',
      errorMessage: 'prod-us: connection refused',
    });
    expect(events.types).toEqual(['promotion.failed']);
  });

  it('nothing while a target is active, nor once the promotion was cancelled', async () => {
    const { store, audit, events, transitions } = setup();
    store.add('busy', 'running', [
      ['r1', 'succeeded'],
      ['r2', 'queued'],
    ]);
    store.add('gone', 'cancelled', [['r1', 'succeeded']]);
    await transitions.settle('busy', tx);
    await transitions.settle('gone', tx);
    expect([store.status('busy'), store.status('gone')]).toEqual(['running', 'cancelled']);
    expect(audit.entries).toEqual([]);
    expect(events.types).toEqual([]);
  });
});

describe('retrying a promotion', () => {
  it('claims its tags again in every target and queues what did not land under a new run', async () => {
    const { store, claims, audit, transitions } = setup();
    store.add('p', 'failed', [
      ['r1', 'succeeded'],
      ['r2', 'failed'],
    ]);
    const before = await transitions.viewIn('p', tx);
    const after = await transitions.requeue('p', ALICE, before, tx);
    expect(claims.of('p').sort()).toEqual(['r1/team/app:1.0', 'r2/team/app:1.0']);
    expect(after.status).toBe('queued');
    expect(after.targets.map((t) => [t.registry, t.status, t.run])).toEqual([
      ['prod-eu', 'succeeded', 1],
      ['prod-us', 'queued', 2],
    ]);
    expect(audit.entries.map((e) => [e.action, e.before, e.after])).toEqual([
      ['promotion.retried', before, after],
    ]);
  });

  it('TAG_CONFLICT when another promotion put a tag on another digest meanwhile', async () => {
    const { store, claims, transitions } = setup();
    store.add('p', 'cancelled', [['r1', 'cancelled']]);
    await claims.claim('other', OTHER, [{ registryId: 'r1', repository: 'team/app', tag: '1.0' }]);
    const before = await transitions.viewIn('p', tx);
    const refused = await refusedWith(transitions.requeue('p', ALICE, before, tx));
    expect(refused.code).toBe('TAG_CONFLICT');
    expect(refused.details.conflicts).toEqual([
      {
        registry: 'prod-eu',
        repository: 'team/app',
        tag: '1.0',
        digest: OTHER,
        requestedDigest: DIGEST,
        promotionId: 'other',
      },
    ]);
    expect(store.status('p')).toBe('cancelled');
    expect(store.targetStatuses('p')).toEqual(['cancelled']);
  });

  it('CONFLICT when the promotion is no longer failed or cancelled (another retry came first)', async () => {
    const { store, transitions } = setup();
    store.add('p', 'failed', [['r1', 'failed']]);
    const before = await transitions.viewIn('p', tx);
    await transitions.requeue('p', ALICE, before, tx);
    const refused = await refusedWith(transitions.requeue('p', ALICE, before, tx));
    expect([refused.code, refused.message]).toEqual([
      'CONFLICT',
      'Promotion p changed meanwhile; try again',
    ]);
  });

  it('a retried promotion holds its claims until it is cancelled again', async () => {
    const { store, claims, transitions } = setup();
    store.add('p', 'failed', [['r1', 'failed']]);
    await transitions.requeue('p', ALICE, await transitions.viewIn('p', tx), tx);
    const taken = await claims.claim('q', OTHER, [
      { registryId: 'r1', repository: 'team/app', tag: '1.0' },
    ]);
    expect(taken.map((c) => c.promotionId)).toEqual(['p']);
    await transitions.cancel('p', ALICE, tx);
    expect(claims.of('p')).toEqual([]);
    expect(
      await claims.claim('q', OTHER, [{ registryId: 'r1', repository: 'team/app', tag: '1.0' }]),
    ).toEqual([]);
  });
});
