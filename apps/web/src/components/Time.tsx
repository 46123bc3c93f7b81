import { formatAgo, formatFullTime, formatTime } from '../format';

/** A time in the viewer's zone: how long ago (or the time), the full time in its title. */
export function Time({ at, ago = false }: { at: string | null | undefined; ago?: boolean }) {
  if (!at) return <span className="muted">—</span>;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return <span>{at}</span>;
  return (
    <time dateTime={date.toISOString()} title={formatFullTime(date)}>
      {ago ? formatAgo(date) : formatTime(date)}
    </time>
  );
}
