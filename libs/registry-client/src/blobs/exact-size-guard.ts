import { Transform, type TransformCallback } from 'node:stream';

/**
 * More than one network-sized (64 KiB) chunk: with Node's default 16 KiB, every chunk would pause
 * the blob source and split its bursts (see ResumingBlobSource) into one socket write per chunk.
 */
const PASS_THROUGH_BUFFER = 128 * 1024;

/**
 * Fails a request body that is not exactly `size` bytes: with Content-Length sent, a short body
 * would leave the registry waiting and a long one would be cut by Node mid-stream.
 */
export class ExactSizeGuard extends Transform {
  private received = 0;

  constructor(
    private readonly size: number,
    private readonly wrongSize: (received: string) => Error,
  ) {
    super({ writableHighWaterMark: PASS_THROUGH_BUFFER });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.size) return callback(this.wrongSize(`more than ${this.size}`));
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.received < this.size ? this.wrongSize(String(this.received)) : undefined);
  }
}
