import { Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { committed, ended, Transaction } from './transaction';

const client = {} as PoolClient;

describe('Transaction.afterCommit', () => {
  it('runs callbacks in order once committed, and only once', () => {
    const tx = Transaction.wrap(client);
    const ran: string[] = [];
    tx.afterCommit(() => void ran.push('a'));
    tx.afterCommit(() => void ran.push('b'));
    expect(ran).toEqual([]);
    committed(tx);
    expect(ran).toEqual(['a', 'b']);
    committed(tx);
    expect(ran).toEqual(['a', 'b']);
  });

  it('drops callbacks on rollback', () => {
    const tx = Transaction.wrap(client);
    const ran: string[] = [];
    tx.afterCommit(() => void ran.push('a'));
    ended(tx);
    committed(tx);
    expect(ran).toEqual([]);
  });

  it('logs a failing callback instead of throwing, and still runs the others', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const tx = Transaction.wrap(client);
      const ran: string[] = [];
      tx.afterCommit(() => {
        throw new Error('redis down');
      });
      tx.afterCommit(() => Promise.reject(new Error('queue refused')));
      tx.afterCommit(() => void ran.push('last'));
      expect(() => committed(tx)).not.toThrow();
      expect(ran).toEqual(['last']);
      await new Promise((resolve) => setImmediate(resolve));
      expect(logged.mock.calls.map((call) => call[0])).toEqual([
        'after-commit callback failed: redis down',
        'after-commit callback failed: queue refused',
      ]);
    } finally {
      logged.mockRestore();
    }
  });

  it('refuses a callback once the transaction has ended, or outside one', () => {
    const tx = Transaction.wrap(client);
    ended(tx);
    expect(() => tx.afterCommit(() => undefined)).toThrow(/has ended/);
    const reads = Transaction.wrap(client, false);
    expect(() => reads.afterCommit(() => undefined)).toThrow(/readTogether/);
  });
});
