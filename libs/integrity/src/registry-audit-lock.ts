import { SessionLocks } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';

/**
 * One audit per registry at a time, across the cluster: the session lock
 * `airlock:integrity:<registry id>` (SessionLocks), held while the run reads.
 */
@Injectable()
export class RegistryAuditLock {
  constructor(private readonly locks: SessionLocks) {}

  /**
   * Runs `work` holding the registry's lock. When another run holds it, waits up to `waitMs` (0: not
   * at all), trying again every second, and then answers undefined without running `work`.
   */
  hold<T>(registryId: string, work: () => Promise<T>, waitMs = 0): Promise<T | undefined> {
    return this.locks.hold(`airlock:integrity:${registryId}`, work, { waitMs });
  }
}
