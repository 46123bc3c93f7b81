/**
 * Runs `fn` over `items` with at most `limit` at once. After the first failure no new item
 * starts; the ones already running are awaited before the failure is rethrown, so nothing
 * keeps writing to a registry after the caller has moved on.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const worker = async () => {
    while (!firstError && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]);
      } catch (error) {
        firstError ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(limit, 1), items.length) }, worker));
  if (firstError) throw firstError.error;
  return results;
}
