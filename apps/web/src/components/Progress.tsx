import { formatBytes } from '../format';
import type { Schemas } from '../api/client';

/** Bytes done of total as a bar and in words, blobs in words. */
export function Progress({
  progress,
  label,
}: {
  progress: Schemas['PromotionProgressView'];
  label: string;
}) {
  const { bytesDone, bytesTotal, blobsDone, blobsTotal } = progress;
  return (
    <span className="progress">
      <progress
        aria-label={label}
        max={Math.max(bytesTotal, 1)}
        value={Math.min(bytesDone, bytesTotal)}
      />
      <span>
        {formatBytes(bytesDone)} of {formatBytes(bytesTotal)} · {blobsDone}/{blobsTotal} blobs
      </span>
    </span>
  );
}
