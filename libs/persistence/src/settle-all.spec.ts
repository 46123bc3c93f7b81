import { settleAll } from './settle-all';

/** A statement refused only because its transaction had already failed (Postgres 25P02). */
const aborted = () => Object.assign(new Error('current transaction is aborted'), { code: '25P02' });

describe('settleAll', () => {
  it('answers every value, in order, once all settled', async () => {
    await expect(settleAll([Promise.resolve(1), 2, Promise.resolve('three')])).resolves.toEqual([
      1,
      2,
      'three',
    ]);
  });

  it('waits for every promise before it throws', async () => {
    let late = false;
    const slow = new Promise<void>((resolve) =>
      setTimeout(() => {
        late = true;
        resolve();
      }, 20),
    );
    await expect(settleAll([Promise.reject(new Error('first')), slow])).rejects.toThrow('first');
    expect(late).toBe(true);
  });

  it('throws the failure that caused the others, not an earlier statement refused after it', async () => {
    const cause = Object.assign(new Error('duplicate key'), { code: '23505' });
    await expect(
      settleAll([Promise.reject(aborted()), Promise.reject(cause), Promise.reject(aborted())]),
    ).rejects.toBe(cause);
  });

  it('when every failure is a refused statement, throws the first', async () => {
    const first = aborted();
    await expect(settleAll([Promise.reject(first), Promise.reject(aborted())])).rejects.toBe(first);
  });
});
