/**
 * Read-modify-write tags (a `sha256-<hex>` referrers fallback index, cosign's `.att` image) are
 * merged, never replaced: two copies updating the same one at once would each write what they
 * read plus their own entry, and the slower would drop the faster's. Updates of one tag of one
 * repository of one registry therefore run one after another within the process. (Two worker
 * processes can still interleave; each rewrite merges whatever the registry lists, so the next
 * update of that tag restores an entry lost that way.)
 */
const queues = new Map<string, Promise<unknown>>();

export async function serializeTagUpdate<T>(
  place: { origin: string; repository: string; tag: string },
  update: () => Promise<T>,
): Promise<T> {
  const key = `${place.origin}/${place.repository}:${place.tag}`;
  const before = queues.get(key) ?? Promise.resolve();
  const mine = before.then(update, update);
  const settled = mine.catch(() => undefined);
  queues.set(key, settled);
  try {
    return await mine;
  } finally {
    if (queues.get(key) === settled) queues.delete(key);
  }
}
