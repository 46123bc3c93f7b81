import { finished, Readable } from 'node:stream';
import { RegistryError } from '../registry-error';

/** A response body of the blob, and how many leading bytes of it we already have. */
export interface BlobSegment {
  body: Readable;
  skip: number;
}

export interface ResumingSourceOptions {
  size: number;
  /** How many broken reads may be resumed. */
  maxResumes: number;
  /** Opens the blob at `offset` (a Range request); rejects when the registry cannot serve it. */
  open: (offset: number) => Promise<BlobSegment>;
  /** The error for a broken read that is not resumed. */
  broken: (cause: unknown, received: number) => Error;
  highWaterMark?: number;
}

/**
 * The raw bytes of a blob across reconnects: when a response body breaks (reset, premature
 * close, idle timeout) before `size` bytes, it asks for the rest with Range and carries on.
 * Backpressure is the response's own: a full buffer pauses the socket, nothing piles up.
 */
export class ResumingBlobSource extends Readable {
  private received = 0;
  private resumes = 0;
  private current?: BlobSegment;

  constructor(
    first: BlobSegment,
    private readonly options: ResumingSourceOptions,
  ) {
    super({ highWaterMark: options.highWaterMark });
    this.attach(first);
  }

  override _read(): void {
    this.current?.body.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.current?.body.destroy();
    this.current = undefined;
    callback(error);
  }

  private attach(segment: BlobSegment): void {
    this.current = segment;
    segment.body.on('data', (chunk: Buffer) => this.onData(segment, chunk));
    finished(segment.body, (error) => this.onEnd(segment, error ?? undefined));
  }

  private onData(segment: BlobSegment, chunk: Buffer): void {
    if (segment !== this.current) return;
    let data = chunk;
    if (segment.skip > 0) {
      // A server that ignored our Range sends the whole blob again: drop what we have.
      const dropped = Math.min(segment.skip, data.length);
      segment.skip -= dropped;
      data = data.subarray(dropped);
      if (data.length === 0) return;
    }
    this.received += data.length;
    if (!this.push(data)) segment.body.pause();
  }

  private onEnd(segment: BlobSegment, error: Error | undefined): void {
    if (segment !== this.current || this.destroyed) return;
    this.current = undefined;
    if (!error && this.received >= this.options.size) {
      this.push(null);
      return;
    }
    if (error instanceof RegistryError || this.resumes >= this.options.maxResumes) {
      this.destroy(
        error instanceof RegistryError
          ? error
          : this.options.broken(error ?? new Error('body ended early'), this.received),
      );
      return;
    }
    this.resumes += 1;
    segment.body.destroy();
    this.options.open(this.received).then(
      (next) => (this.destroyed ? next.body.destroy() : this.attach(next)),
      (openError: unknown) =>
        this.destroy(openError instanceof Error ? openError : new Error(String(openError))),
    );
  }
}
