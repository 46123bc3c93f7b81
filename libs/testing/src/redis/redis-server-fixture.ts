import type { ChildProcess } from 'node:child_process';
import IORedis from 'ioredis';
import { spawnGuarded, stopChild } from '../process/child-processes';
import { freePort } from '../process/free-port';
import { waitFor } from '../process/wait-for';

/**
 * A private redis-server on a free loopback port, for tests that stop and restart Redis
 * without disturbing the shared one other test files use.
 */
export class RedisServerFixture {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServerFixture> {
    const fixture = new RedisServerFixture(await freePort());
    await fixture.restart();
    return fixture;
  }

  /** Starts (again) on the same port. */
  async restart(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    this.child = spawnGuarded('redis-server', args, { stdio: 'ignore' });
    await waitFor(`redis-server on ${this.port}`, async () => {
      const probe = new IORedis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG' ? true : undefined;
      } finally {
        probe.disconnect();
      }
    });
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child);
    this.child = undefined;
  }
}
