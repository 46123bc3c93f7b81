import { useCallback, useState } from 'react';

/** Keyset paging: the cursors of the pages walked so far, to go back as well as on. */
export function usePager() {
  const [cursors, setCursors] = useState<string[]>([]);
  const older = useCallback((next: string) => setCursors((list) => [...list, next]), []);
  const newer = useCallback(() => setCursors((list) => list.slice(0, -1)), []);
  const reset = useCallback(() => setCursors([]), []);
  return { cursor: cursors.at(-1), page: cursors.length + 1, older, newer, reset };
}

export function Pager({
  pager,
  nextCursor,
  label = 'Pages',
}: {
  pager: ReturnType<typeof usePager>;
  nextCursor: string | null | undefined;
  label?: string;
}) {
  if (pager.page === 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" onClick={pager.newer} disabled={pager.page === 1}>
        Newer
      </button>
      <span>Page {pager.page}</span>
      <button
        type="button"
        onClick={() => nextCursor && pager.older(nextCursor)}
        disabled={!nextCursor}
      >
        Older
      </button>
    </nav>
  );
}
