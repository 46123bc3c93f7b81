import { Semaphore } from './semaphore';

/**
 * Caps concurrent blob transfers per registry origin across every copy in the process, so ten
 * promotions into one registry do not open sixty uploads at once. Slots for several origins are
 * taken in a fixed (sorted) order, so two copies in opposite directions cannot deadlock.
 */
export class RegistryLimiter {
  private readonly semaphores = new Map<string, Semaphore>();

  constructor(readonly perRegistry = 8) {}

  async run<T>(origins: string[], task: () => Promise<T>): Promise<T> {
    const ordered = [...new Set(origins)].sort();
    const chain = ordered.reduceRight<() => Promise<T>>(
      (inner, origin) => () => this.semaphore(origin).run(inner),
      task,
    );
    return chain();
  }

  private semaphore(origin: string): Semaphore {
    let semaphore = this.semaphores.get(origin);
    if (!semaphore) {
      semaphore = new Semaphore(this.perRegistry);
      this.semaphores.set(origin, semaphore);
    }
    return semaphore;
  }
}
