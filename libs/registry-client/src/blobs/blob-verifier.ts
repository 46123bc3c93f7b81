import type { Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { createDigestHash, type ParsedDigest } from '../digest';

export interface VerifierOptions {
  digest: ParsedDigest;
  size: number;
  /** The error to fail with, given what is wrong. */
  mismatch: (reason: string) => Error;
  highWaterMark?: number;
}

/**
 * Passes a blob's bytes through while hashing them, and HOLDS BACK the chunk that completes the
 * expected size until the source has ended and size and digest are proven. So a consumer piping
 * this into an upload with Content-Length never sends a complete body of corrupt bytes: it gets
 * an error with at least one byte still missing, and the upload fails instead of committing.
 */
export class BlobVerifier extends Transform {
  private readonly hash: Hash;
  private received = 0;
  private held?: Buffer;

  constructor(private readonly options: VerifierOptions) {
    super({ highWaterMark: options.highWaterMark });
    this.hash = createDigestHash(options.digest.algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (chunk.length === 0) return callback();
    const { size } = this.options;
    this.received += chunk.length;
    if (this.held || this.received > size)
      return callback(this.options.mismatch(`more than the expected ${size} bytes`));
    this.hash.update(chunk);
    if (this.received < size) return callback(null, chunk);
    const failure = this.check();
    if (failure) return callback(failure);
    this.held = chunk;
    callback();
  }

  override _flush(callback: TransformCallback): void {
    const { size } = this.options;
    if (this.received < size)
      return callback(
        this.options.mismatch(`${this.received} bytes instead of the expected ${size}`),
      );
    // An empty blob has no chunk that completes it: verify here.
    const failure = size === 0 ? this.check() : undefined;
    callback(failure, this.held);
  }

  private check(): Error | undefined {
    const { digest } = this.options;
    const actual = this.hash.digest('hex');
    return actual === digest.hex
      ? undefined
      : this.options.mismatch(`content hashes to ${digest.algorithm}:${actual}`);
  }
}
