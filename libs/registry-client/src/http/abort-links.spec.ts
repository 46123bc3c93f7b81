import { getEventListeners } from 'node:events';
import { linkedSignal, onAbort } from './abort-links';

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('onAbort', () => {
  it('puts one listener on the signal however many subscribe, and removes it with the last', () => {
    const parent = new AbortController();
    const unsubscribes = Array.from({ length: 50 }, () => onAbort(parent.signal, () => undefined));
    expect(listeners(parent.signal)).toBe(1);
    unsubscribes.slice(1).forEach((unsubscribe) => unsubscribe());
    expect(listeners(parent.signal)).toBe(1);
    unsubscribes[0]!();
    expect(listeners(parent.signal)).toBe(0);
  });

  it('calls every subscriber still there once on abort, and none that left', () => {
    const parent = new AbortController();
    const calls: string[] = [];
    onAbort(parent.signal, () => calls.push('a'));
    const leave = onAbort(parent.signal, () => calls.push('b'));
    onAbort(parent.signal, () => calls.push('c'));
    leave();
    parent.abort();
    parent.abort();
    expect(calls).toEqual(['a', 'c']);
    expect(listeners(parent.signal)).toBe(0);
  });

  it('calls at once for a signal that aborted already', () => {
    const calls: number[] = [];
    const unsubscribe = onAbort(AbortSignal.abort(), () => calls.push(1));
    expect(calls).toEqual([1]);
    unsubscribe();
  });

  it('subscribes afresh after the last subscriber left', () => {
    const parent = new AbortController();
    onAbort(parent.signal, () => undefined)();
    const calls: number[] = [];
    onAbort(parent.signal, () => calls.push(1));
    expect(listeners(parent.signal)).toBe(1);
    parent.abort();
    expect(calls).toEqual([1]);
  });
});

describe('linkedSignal', () => {
  it('aborts with the parent and its reason', () => {
    const parent = new AbortController();
    const link = linkedSignal(parent.signal);
    const reason = new Error('cancelled');
    parent.abort(reason);
    expect(link.signal!.aborted).toBe(true);
    expect(link.signal!.reason).toBe(reason);
  });

  it('once released, no longer listens to the parent nor follows it', () => {
    const parent = new AbortController();
    const links = Array.from({ length: 20 }, () => linkedSignal(parent.signal));
    expect(listeners(parent.signal)).toBe(1);
    links.forEach((link) => {
      link.release();
      link.release();
    });
    expect(listeners(parent.signal)).toBe(0);
    parent.abort();
    expect(links.some((link) => link.signal!.aborted)).toBe(false);
  });

  it('without a parent there is nothing to follow', () => {
    const link = linkedSignal(undefined);
    expect(link.signal).toBeUndefined();
    link.release();
  });
});
