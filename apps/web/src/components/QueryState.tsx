import type { ReactNode } from 'react';
import { ProblemView } from './ProblemView';

interface QueryLike<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
}

/** A query's loading, error and empty states around what its data shows. */
export function QueryState<T>({
  query,
  empty,
  isEmpty,
  children,
}: {
  query: QueryLike<T>;
  /** Said when `isEmpty(data)`. */
  empty?: string;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  if (query.data === undefined) {
    if (query.error) return <ProblemView problem={query.error} />;
    return <Loading />;
  }
  return (
    <>
      {query.error ? <ProblemView problem={query.error} /> : null}
      {empty && isEmpty?.(query.data) ? <p className="empty">{empty}</p> : children(query.data)}
    </>
  );
}

export function Loading({ what = 'Loading…' }: { what?: string }) {
  return (
    <p className="muted" role="status">
      {what}
    </p>
  );
}
