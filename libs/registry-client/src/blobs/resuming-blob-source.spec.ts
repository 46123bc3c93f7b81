import { PassThrough, Readable } from 'node:stream';
import { digestOf, parseDigest } from '../digest';
import { RegistryError } from '../registry-error';
import { BlobCheck } from './blob-check';
import { ResumingBlobSource, type BlobSegment } from './resuming-blob-source';

const blob = Buffer.from('abcdefghijklmnopqrstuvwxyz');

/** A body that delivers `bytes`, then breaks (or ends early, without an error). */
function breaking(bytes: Buffer, how: 'error' | 'early-end'): Readable {
  const body = new PassThrough();
  body.write(bytes);
  setImmediate(() =>
    how === 'error'
      ? body.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))
      : body.end(),
  );
  return body;
}

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function source(
  first: BlobSegment,
  open: (offset: number) => Promise<BlobSegment>,
  maxResumes = 3,
): ResumingBlobSource {
  return new ResumingBlobSource(first, {
    size: blob.length,
    maxResumes,
    open,
    broken: (cause, received) => new Error(`broken after ${received}: ${(cause as Error).message}`),
  });
}

describe('ResumingBlobSource', () => {
  it('resumes a broken body at the byte it stopped, with a 206 segment', async () => {
    const offsets: number[] = [];
    const stream = source(
      { body: breaking(blob.subarray(0, 10), 'error'), skip: 0 },
      async (offset) => {
        offsets.push(offset);
        return { body: Readable.from([blob.subarray(offset)]), skip: 0 };
      },
    );
    expect((await drain(stream)).equals(blob)).toBe(true);
    expect(offsets).toEqual([10]);
  });

  it('skips the prefix of a full 200 body sent instead of a range', async () => {
    const stream = source(
      { body: breaking(blob.subarray(0, 10), 'early-end'), skip: 0 },
      async (offset) => ({
        body: Readable.from([blob.subarray(0, 4), blob.subarray(4, 15), blob.subarray(15)]),
        skip: offset,
      }),
    );
    expect((await drain(stream)).equals(blob)).toBe(true);
  });

  it('gives up after maxResumes with the error `broken` builds', async () => {
    let opened = 0;
    const stream = source(
      { body: breaking(blob.subarray(0, 3), 'error'), skip: 0 },
      async (offset) => {
        opened += 1;
        return { body: breaking(blob.subarray(offset, offset + 3), 'error'), skip: 0 };
      },
      2,
    );
    await expect(drain(stream)).rejects.toThrow('broken after 9: aborted');
    expect(opened).toBe(2);
  });

  it('passes a RegistryError from reopening through as it is', async () => {
    const notFound = new RegistryError('REGISTRY_NOT_FOUND', 'gone', {
      registry: 'r',
      retryable: false,
    });
    const stream = source({ body: breaking(blob.subarray(0, 5), 'error'), skip: 0 }, async () =>
      Promise.reject(notFound),
    );
    await expect(drain(stream)).rejects.toBe(notFound);
  });

  it('destroys the current response when the consumer goes away', async () => {
    const body = new PassThrough();
    const stream = source({ body, skip: 0 }, async () => Promise.reject(new Error('not expected')));
    stream.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(body.destroyed).toBe(true);
  });

  it('pauses the response while its consumer is not reading (no unbounded buffering)', async () => {
    const body = new PassThrough({ highWaterMark: 4 });
    const stream = new ResumingBlobSource(
      { body, skip: 0 },
      {
        size: 1_000_000,
        maxResumes: 0,
        open: async () => Promise.reject(new Error('x')),
        broken: () => new Error('x'),
        highWaterMark: 64,
      },
    );
    const chunk = Buffer.alloc(32);
    let accepted = 0;
    while (body.write(chunk) && accepted < 100) accepted += 1;
    await new Promise((resolve) => setImmediate(resolve));
    expect(body.isPaused()).toBe(true);
    expect(stream.readableLength).toBeLessThanOrEqual(96);
    stream.destroy();
  });

  it('with a check, resumes and verifies across segments in one stream', async () => {
    const stream = new ResumingBlobSource(
      { body: breaking(blob.subarray(0, 10), 'error'), skip: 0 },
      {
        size: blob.length,
        maxResumes: 1,
        open: async (offset) => ({ body: Readable.from([blob.subarray(offset)]), skip: 0 }),
        broken: () => new Error('not expected'),
        check: check(blob),
      },
    );
    expect((await drain(stream)).equals(blob)).toBe(true);
  });

  it('with a check, fails a corrupt blob before its last chunk comes out', async () => {
    const corrupt = Buffer.from(blob);
    corrupt[20] ^= 0xff;
    const stream = new ResumingBlobSource(
      { body: Readable.from([corrupt.subarray(0, 8), corrupt.subarray(8)]), skip: 0 },
      {
        size: blob.length,
        maxResumes: 0,
        open: async () => Promise.reject(new Error('not expected')),
        broken: () => new Error('not expected'),
        check: check(blob),
      },
    );
    const seen: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => seen.push(chunk));
    const error = await new Promise<Error>((resolve) => stream.once('error', resolve));
    expect(error.message).toMatch(/^mismatch: content hashes to sha256:/);
    expect(Buffer.concat(seen).equals(corrupt.subarray(0, 8))).toBe(true);
  });

  it('hands chunks on in bursts of burstBytes, and what is gathered at the end', async () => {
    const body = new PassThrough();
    const stream = new ResumingBlobSource(
      { body, skip: 0 },
      {
        size: blob.length,
        maxResumes: 0,
        open: async () => Promise.reject(new Error('not expected')),
        broken: () => new Error('not expected'),
        check: check(blob),
        burstBytes: 10,
      },
    );
    const seen: number[] = [];
    stream.on('data', (chunk: Buffer) => seen.push(chunk.length));
    const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    body.write(blob.subarray(0, 5));
    await settle();
    expect(seen).toEqual([]);
    body.write(blob.subarray(5, 10));
    await settle();
    expect(seen).toEqual([5, 5]);
    body.write(blob.subarray(10, 15));
    await settle();
    expect(seen).toEqual([5, 5]);
    body.end(blob.subarray(15));
    await new Promise((resolve) => stream.once('end', resolve));
    expect(seen).toEqual([5, 5, 5, 11]);
  });
});

function check(expected: Buffer): BlobCheck {
  return new BlobCheck({
    digest: parseDigest(digestOf(expected))!,
    size: expected.length,
    mismatch: (reason) => new Error(`mismatch: ${reason}`),
  });
}
