import { AirlockError } from '@airlock/errors';
import { SessionLocks } from '@airlock/persistence';
import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { useTagUpdateLock, type TagUpdateLock } from './tag-updates';

/** How long an update waits for another process's update of the same tag (a few requests). */
export const TAG_LOCK_WAIT_MS = 30_000;
/** How often a waiting update tries again: updates take tens of milliseconds. */
const TAG_LOCK_POLL_MS = 20;

/**
 * Makes updates of one read-modify-write registry tag (fallback index, cosign `.att`) take turns
 * across every Airlock process, not only within one (serializeTagUpdate): a Postgres session
 * lock per registry, repository and tag, installed for the process while this module lives.
 * An update that cannot get the lock in TAG_LOCK_WAIT_MS fails retryable (RESOURCE_BUSY): the
 * copy's attempt fails and is tried again, and nothing was written.
 */
@Injectable()
export class CrossProcessTagLock implements TagUpdateLock, OnModuleInit, OnModuleDestroy {
  private uninstall?: () => void;

  constructor(private readonly locks: SessionLocks) {}

  onModuleInit(): void {
    this.uninstall = useTagUpdateLock(this);
  }

  onModuleDestroy(): void {
    this.uninstall?.();
  }

  async hold<T>(key: string, work: () => Promise<T>): Promise<T> {
    const done = await this.locks.hold(
      `airlock:tag:${key}`,
      async () => ({ value: await work() }),
      { waitMs: TAG_LOCK_WAIT_MS, pollMs: TAG_LOCK_POLL_MS },
    );
    if (!done) {
      throw new AirlockError(
        'RESOURCE_BUSY',
        `Another Airlock process has been updating ${key} for ${TAG_LOCK_WAIT_MS / 1000} s`,
        { details: { tag: key } },
      );
    }
    return done.value;
  }
}
