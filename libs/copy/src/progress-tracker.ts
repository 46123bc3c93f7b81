import type { BlobAction, CopyProgress } from './copy-types';

/** Aggregates per-blob progress and reports it at most every `intervalMs` (and at each blob's end). */
export class ProgressTracker {
  private readonly state: CopyProgress;
  private lastReport = 0;
  bytesCopied = 0;
  bytesMounted = 0;
  bytesSkipped = 0;

  constructor(
    bytesTotal: number,
    blobsTotal: number,
    private readonly onProgress?: (progress: CopyProgress) => void,
    private readonly intervalMs = 250,
  ) {
    this.state = {
      bytesDone: 0,
      bytesTotal,
      blobsDone: 0,
      blobsTotal,
      copied: 0,
      mounted: 0,
      skipped: 0,
    };
  }

  /** Bytes streamed for a blob in flight (negative to roll back a failed attempt). */
  streamed(bytes: number): void {
    this.state.bytesDone += bytes;
    this.bytesCopied += bytes;
    this.report(false);
  }

  /** A blob is done; mounted and skipped blobs account for their whole size now. */
  blobDone(action: BlobAction, size: number): void {
    if (action !== 'copy') this.state.bytesDone += size;
    if (action === 'mount') this.bytesMounted += size;
    if (action === 'skip') this.bytesSkipped += size;
    this.state.blobsDone++;
    if (action === 'copy') this.state.copied++;
    else if (action === 'mount') this.state.mounted++;
    else this.state.skipped++;
    this.report(true);
  }

  snapshot(): CopyProgress {
    return { ...this.state };
  }

  private report(force: boolean): void {
    if (!this.onProgress) return;
    const now = Date.now();
    if (!force && now - this.lastReport < this.intervalMs) return;
    this.lastReport = now;
    this.onProgress(this.snapshot());
  }
}
