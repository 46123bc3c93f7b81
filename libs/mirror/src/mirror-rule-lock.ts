import { SessionLocks } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';

/**
 * One sync per rule at a time, across the cluster: the session lock `airlock:mirror:<rule id>`
 * (SessionLocks), held for as long as the sync runs.
 */
@Injectable()
export class MirrorRuleLock {
  constructor(private readonly locks: SessionLocks) {}

  /**
   * Runs `work` holding the rule's lock. When another sync holds it, waits up to `waitMs` (0: not
   * at all), trying again every second, and then answers undefined without running `work`.
   */
  hold<T>(ruleId: string, work: () => Promise<T>, waitMs = 0): Promise<T | undefined> {
    return this.locks.hold(`airlock:mirror:${ruleId}`, work, { waitMs });
  }
}
