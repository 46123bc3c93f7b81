import { Readable } from 'node:stream';
import { digestOf, parseDigest } from '../digest';
import { BlobVerifier } from './blob-verifier';

const blob = Buffer.from('0123456789abcdefghij');

/** Feeds chunks through a verifier; reports what came out before the end or the error. */
async function run(
  chunks: Buffer[],
  expected = { digest: digestOf(blob), size: blob.length },
): Promise<{ out: Buffer; error?: Error }> {
  const verifier = new BlobVerifier({
    digest: parseDigest(expected.digest)!,
    size: expected.size,
    mismatch: (reason) => new Error(`mismatch: ${reason}`),
  });
  const emitted: Buffer[] = [];
  verifier.on('data', (chunk: Buffer) => emitted.push(chunk));
  const done = new Promise<Error | undefined>((resolve) => {
    verifier.once('end', () => resolve(undefined));
    verifier.once('error', resolve);
  });
  Readable.from(chunks).pipe(verifier);
  const error = await done;
  return { out: Buffer.concat(emitted), error };
}

const split = (bytes: Buffer, ...at: number[]): Buffer[] =>
  [0, ...at].map((start, i) => bytes.subarray(start, [...at, bytes.length][i]));

describe('BlobVerifier', () => {
  it('passes a matching blob through whole', async () => {
    expect(await run(split(blob, 5, 12))).toEqual({ out: blob, error: undefined });
    expect(await run([blob])).toEqual({ out: blob, error: undefined });
  });

  it('never emits the final chunk of a corrupt blob: one flipped byte → error, output short', async () => {
    const corrupt = Buffer.from(blob);
    corrupt[3] ^= 0xff;
    const { out, error } = await run(split(corrupt, 5, 12));
    expect(error?.message).toMatch(/mismatch: content hashes to sha256:[0-9a-f]{64}/);
    expect(out.equals(corrupt.subarray(0, 12))).toBe(true);
  });

  it('holds the completing chunk back until the source has ended', async () => {
    const verifier = new BlobVerifier({
      digest: parseDigest(digestOf(blob))!,
      size: blob.length,
      mismatch: (r) => new Error(r),
    });
    const seen: Buffer[] = [];
    verifier.on('data', (chunk: Buffer) => seen.push(chunk));
    verifier.write(blob.subarray(0, 10));
    verifier.write(blob.subarray(10));
    await new Promise((resolve) => setImmediate(resolve));
    expect(Buffer.concat(seen).length).toBe(10);
    verifier.end();
    await new Promise((resolve) => verifier.once('end', resolve));
    expect(Buffer.concat(seen).equals(blob)).toBe(true);
  });

  it('fails a blob one byte short, and one byte long, without ever emitting the whole', async () => {
    const short = await run(split(blob.subarray(0, blob.length - 1), 10), {
      digest: digestOf(blob),
      size: blob.length,
    });
    expect(short.error?.message).toBe(
      `mismatch: ${blob.length - 1} bytes instead of the expected ${blob.length}`,
    );
    expect(short.out.length).toBe(blob.length - 1);

    const long = await run(split(Buffer.concat([blob, Buffer.from('!')]), 10, 20), {
      digest: digestOf(blob),
      size: blob.length,
    });
    expect(long.error?.message).toBe(`mismatch: more than the expected ${blob.length} bytes`);
    expect(long.out.length).toBe(10);

    const overshoot = await run([Buffer.concat([blob, Buffer.from('!')])]);
    expect(overshoot.error?.message).toContain('more than the expected');
    expect(overshoot.out.length).toBe(0);
  });

  it('verifies an empty blob at the end', async () => {
    expect(await run([], { digest: digestOf(Buffer.alloc(0)), size: 0 })).toEqual({
      out: Buffer.alloc(0),
      error: undefined,
    });
    const wrong = await run([], { digest: digestOf(blob), size: 0 });
    expect(wrong.error?.message).toContain('content hashes to');
  });

  it('verifies sha512 digests too', async () => {
    expect(
      (await run(split(blob, 7), { digest: digestOf(blob, 'sha512'), size: blob.length })).error,
    ).toBeUndefined();
  });
});
