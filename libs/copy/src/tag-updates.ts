/**
 * Read-modify-write tags (a `sha256-<hex>` referrers fallback index, cosign's `.att` image) are
 * merged, never replaced: two copies updating the same one at once would each write what they
 * read plus their own entry, and the slower would drop the faster's. Updates of one tag of one
 * repository of one registry therefore run one after another: within the process by a queue per
 * tag, and across processes by the lock `useTagUpdateLock` installs (the worker's module does:
 * a Postgres session lock per tag, CrossProcessTagLock). Without one installed (a bare library
 * user, the benchmarks), only the process's own updates take turns.
 */
const queues = new Map<string, Promise<unknown>>();

/** Runs `work` while no other process updates the tag named `key`. */
export interface TagUpdateLock {
  hold<T>(key: string, work: () => Promise<T>): Promise<T>;
}

let crossProcess: TagUpdateLock | undefined;

/**
 * Installs `lock` as the process's cross-process lock for tag updates; answers a function that
 * removes it again — if it is still the one installed (two Nest apps in one process, as in
 * tests: closing one leaves the other's in place).
 */
export function useTagUpdateLock(lock: TagUpdateLock): () => void {
  crossProcess = lock;
  return () => {
    if (crossProcess === lock) crossProcess = undefined;
  };
}

export async function serializeTagUpdate<T>(
  place: { origin: string; repository: string; tag: string },
  update: () => Promise<T>,
): Promise<T> {
  const key = `${place.origin}/${place.repository}:${place.tag}`;
  const lock = crossProcess;
  const run = () => (lock ? lock.hold(key, update) : update());
  const before = queues.get(key) ?? Promise.resolve();
  const mine = before.then(run, run);
  const settled = mine.catch(() => undefined);
  queues.set(key, settled);
  try {
    return await mine;
  } finally {
    if (queues.get(key) === settled) queues.delete(key);
  }
}
