import { AirlockError } from '@airlock/errors';
import { storeAll } from './release-intake.service';

/** A statement refused only because the transaction had already failed (Postgres 25P02). */
const aborted = () => Object.assign(new Error('current transaction is aborted'), { code: '25P02' });

describe('storeAll (every item of a release stored at once)', () => {
  it('stores every item and answers nothing when all succeed', async () => {
    const stored: number[] = [];
    await storeAll(['a', 'b', 'c'], (_item, i) => {
      stored.push(i);
      return Promise.resolve();
    });
    expect(stored).toEqual([0, 1, 2]);
  });

  it('throws the failure that caused the others, naming its item, not an earlier aborted one', async () => {
    const failure = await storeAll(['a', 'b', 'c'], (_item, i) =>
      i === 2
        ? Promise.reject(new AirlockError('TAG_CONFLICT', 'svc:1.0 is being promoted'))
        : Promise.reject(aborted()),
    ).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(AirlockError);
    expect((failure as AirlockError).code).toBe('TAG_CONFLICT');
    expect((failure as AirlockError).message).toBe('items[2]: svc:1.0 is being promoted');
    expect((failure as AirlockError).details).toMatchObject({ item: 2 });
  });

  it('when every failure is an aborted statement, throws the first', async () => {
    const failure = await storeAll(['a', 'b'], () => Promise.reject(aborted())).catch(
      (error: unknown) => error,
    );
    expect((failure as { code?: string }).code).toBe('25P02');
  });
});
