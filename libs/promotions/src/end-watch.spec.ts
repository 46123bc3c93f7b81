import type { Database, Sql } from '@airlock/persistence';
import { EndWatch, readWaitQuery } from './end-watch';

/** A database whose status reads answer the ids in `ended` (each read's ids kept), or fail while `down`. */
function fakeDatabase(ended: Set<string>) {
  const reads: string[][] = [];
  const state = { down: false };
  const db = {
    rows: (query: Sql) => {
      const ids = query.compile().values[0] as string[];
      reads.push(ids);
      if (state.down) return Promise.reject(new Error('connection refused'));
      return Promise.resolve(ids.filter((id) => ended.has(id)).map((id) => ({ id })));
    },
  };
  return { db: db as unknown as Database, reads, state };
}

describe('EndWatch: waiting for a promotion or release to end', () => {
  it('wakes every waiter of an id that ended, at a tick, with one read for all of them', async () => {
    const ended = new Set<string>();
    const { db, reads } = fakeDatabase(ended);
    const watch = new EndWatch(db);
    let woke = 0;
    const a = watch.until('promotion', 'p1', 60_000).then(() => woke++);
    const b = watch.until('promotion', 'p1', 60_000).then(() => woke++);
    void watch.until('promotion', 'p2', 60_000);
    await watch.tick();
    expect(woke).toBe(0);
    ended.add('p1');
    await watch.tick();
    await Promise.all([a, b]);
    expect(woke).toBe(2);
    expect(reads.at(-1)).toEqual(['p1', 'p2']);
    watch.onModuleDestroy();
  });

  it('gives up after the timeout, or when the client went away, and stops reading', async () => {
    const { db, reads } = fakeDatabase(new Set());
    const watch = new EndWatch(db);
    await watch.until('release', 'r1', 5);
    const gone = new AbortController();
    const waiting = watch.until('release', 'r2', 60_000, gone.signal);
    gone.abort();
    await waiting;
    await watch.tick();
    expect(reads).toEqual([]);
  });

  it('keeps waiters waiting through failed reads, and wakes them once a read works again', async () => {
    const { db, reads, state } = fakeDatabase(new Set(['p1']));
    state.down = true;
    const watch = new EndWatch(db);
    let woke = false;
    const waiting = watch.until('promotion', 'p1', 60_000).then(() => (woke = true));
    await watch.tick();
    await watch.tick();
    expect(woke).toBe(false);
    state.down = false;
    await watch.tick();
    await waiting;
    expect(woke).toBe(true);
    expect(reads).toHaveLength(3);
  });

  it('reads ?wait as whole seconds from 0 to 300', () => {
    expect(readWaitQuery({})).toEqual({ waitMs: 0 });
    expect(readWaitQuery({ wait: '30' })).toEqual({ waitMs: 30_000 });
    expect(() => readWaitQuery({ wait: '301' })).toThrow(/wait/);
    expect(() => readWaitQuery({ wait: 'x' })).toThrow(/wait/);
    expect(() => readWaitQuery({ other: '1' })).toThrow();
  });
});
