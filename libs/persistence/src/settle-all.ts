/** Postgres's answer to a statement sent after its transaction had already failed. */
const IN_FAILED_SQL_TRANSACTION = '25P02';

/**
 * Waits for every promise — statements issued together share a round trip, and none may still
 * be running when the caller goes on (a transaction may end next) — then answers the values, or
 * throws the failure that caused the others: the first rejection in array order that is not a
 * statement refused only because its transaction had already failed (25P02), else the first.
 * Statements pipelined in one transaction run in the order they were sent, not in array order,
 * so an earlier entry's later statement can be one of those refused ones.
 */
export async function settleAll<T extends readonly unknown[]>(promises: {
  readonly [K in keyof T]: Promise<T[K]> | T[K];
}): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failures = settled.flatMap((outcome) =>
    outcome.status === 'rejected' ? [outcome.reason as unknown] : [],
  );
  if (failures.length > 0)
    throw failures.find((reason) => !refusedAfterFailure(reason)) ?? failures[0];
  return settled.map(
    (outcome) => (outcome as PromiseFulfilledResult<unknown>).value,
  ) as unknown as T;
}

function refusedAfterFailure(reason: unknown): boolean {
  return (reason as { code?: unknown } | null)?.code === IN_FAILED_SQL_TRANSACTION;
}
