import { digestOf, parseDigest } from '../digest';
import { BlobCheck } from './blob-check';

const blob = Buffer.from('0123456789abcdefghij');

/** Feeds chunks through a check; reports what passed before the end or the error. */
function run(
  chunks: Buffer[],
  expected = { digest: digestOf(blob), size: blob.length },
): { out: Buffer; error?: Error } {
  const check = new BlobCheck({
    digest: parseDigest(expected.digest)!,
    size: expected.size,
    mismatch: (reason) => new Error(`mismatch: ${reason}`),
  });
  const passed: Buffer[] = [];
  try {
    for (const chunk of chunks) {
      const out = check.take(chunk);
      if (out) passed.push(out);
    }
    const last = check.finish();
    if (last) passed.push(last);
    return { out: Buffer.concat(passed) };
  } catch (error) {
    return { out: Buffer.concat(passed), error: error as Error };
  }
}

const split = (bytes: Buffer, ...at: number[]): Buffer[] =>
  [0, ...at].map((start, i) => bytes.subarray(start, [...at, bytes.length][i]));

describe('BlobCheck', () => {
  it('passes a matching blob through whole', () => {
    expect(run(split(blob, 5, 12))).toEqual({ out: blob });
    expect(run([blob])).toEqual({ out: blob });
  });

  it('never passes the final chunk of a corrupt blob: one flipped byte → error, output short', () => {
    const corrupt = Buffer.from(blob);
    corrupt[3] ^= 0xff;
    const { out, error } = run(split(corrupt, 5, 12));
    expect(error?.message).toMatch(/mismatch: content hashes to sha256:[0-9a-f]{64}/);
    expect(out.equals(corrupt.subarray(0, 12))).toBe(true);
  });

  it('holds the completing chunk back until the source has ended', () => {
    const check = new BlobCheck({
      digest: parseDigest(digestOf(blob))!,
      size: blob.length,
      mismatch: (r) => new Error(r),
    });
    expect(check.take(blob.subarray(0, 10))?.length).toBe(10);
    expect(check.take(blob.subarray(10))).toBeUndefined();
    expect(check.finish()?.equals(blob.subarray(10))).toBe(true);
  });

  it('fails a blob one byte short, and one byte long, without ever passing the whole', () => {
    const short = run(split(blob.subarray(0, blob.length - 1), 10));
    expect(short.error?.message).toBe(
      `mismatch: ${blob.length - 1} bytes instead of the expected ${blob.length}`,
    );
    expect(short.out.length).toBe(blob.length - 1);

    const long = run(split(Buffer.concat([blob, Buffer.from('!')]), 10, 20));
    expect(long.error?.message).toBe(`mismatch: more than the expected ${blob.length} bytes`);
    expect(long.out.length).toBe(10);

    const overshoot = run([Buffer.concat([blob, Buffer.from('!')])]);
    expect(overshoot.error?.message).toContain('more than the expected');
    expect(overshoot.out.length).toBe(0);
  });

  it('verifies an empty blob at the end', () => {
    expect(run([], { digest: digestOf(Buffer.alloc(0)), size: 0 })).toEqual({
      out: Buffer.alloc(0),
    });
    const wrong = run([], { digest: digestOf(blob), size: 0 });
    expect(wrong.error?.message).toContain('content hashes to');
  });

  it('verifies sha512 digests too', () => {
    expect(
      run(split(blob, 7), { digest: digestOf(blob, 'sha512'), size: blob.length }).error,
    ).toBeUndefined();
  });
});
