import type { Hash } from 'node:crypto';
import { createDigestHash, type ParsedDigest } from '../digest';

export interface BlobCheckOptions {
  digest: ParsedDigest;
  size: number;
  /** The error to fail with, given what is wrong. */
  mismatch: (reason: string) => Error;
}

/**
 * Proves a blob's size and digest while its bytes pass, and HOLDS BACK the chunk that completes
 * the expected size until the source has ended and both are proven. So a consumer piping the
 * bytes into an upload with Content-Length never sends a complete body of corrupt bytes: it gets
 * an error with at least one byte still missing, and the upload fails instead of committing.
 * Not a stream itself: the stream that owns the bytes calls it, so checking costs no stream hop.
 */
export class BlobCheck {
  private readonly hash: Hash;
  private received = 0;
  private held?: Buffer;

  constructor(private readonly options: BlobCheckOptions) {
    this.hash = createDigestHash(options.digest.algorithm);
  }

  /** The bytes that may pass on now (undefined: none yet); throws the mismatch error. */
  take(chunk: Buffer): Buffer | undefined {
    if (chunk.length === 0) return undefined;
    const { size } = this.options;
    this.received += chunk.length;
    if (this.held || this.received > size)
      throw this.options.mismatch(`more than the expected ${size} bytes`);
    this.hash.update(chunk);
    if (this.received < size) return chunk;
    this.verify();
    this.held = chunk;
    return undefined;
  }

  /** At the source's end: the held-back last bytes (undefined: none); throws the mismatch error. */
  finish(): Buffer | undefined {
    const { size } = this.options;
    if (this.received < size)
      throw this.options.mismatch(`${this.received} bytes instead of the expected ${size}`);
    // An empty blob has no chunk that completes it: verify here.
    if (size === 0) this.verify();
    return this.held;
  }

  private verify(): void {
    const { digest } = this.options;
    const actual = this.hash.digest('hex');
    if (actual !== digest.hex)
      throw this.options.mismatch(`content hashes to ${digest.algorithm}:${actual}`);
  }
}
