import type { Readable } from 'node:stream';

export interface ReadBody {
  bytes: Buffer;
  /** More than `limit` bytes came; `bytes` holds the first `limit`. */
  truncated: boolean;
}

/** Reads a response body up to `limit` bytes, then stops (destroying the stream). */
export async function readBody(stream: Readable, limit: number): Promise<ReadBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      stream.destroy();
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}

/** Lets a body we do not need drain into the void, so its keep-alive socket can be reused. */
export function discardBody(stream: Readable): void {
  stream.on('error', () => undefined);
  stream.resume();
}
