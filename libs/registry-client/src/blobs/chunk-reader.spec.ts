import { Readable } from 'node:stream';
import { ChunkReader } from './chunk-reader';

describe('ChunkReader', () => {
  it('re-cuts a stream into pieces of the asked size, the last one shorter', async () => {
    const reader = new ChunkReader(
      Readable.from([Buffer.from('abc'), Buffer.from('defgh'), Buffer.from('ij')]),
    );
    expect((await reader.read(4)).toString()).toBe('abcd');
    expect((await reader.read(4)).toString()).toBe('efgh');
    expect((await reader.read(4)).toString()).toBe('ij');
    expect((await reader.read(4)).length).toBe(0);
  });

  it('rejects with the stream’s error', async () => {
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from('ab');
        throw new Error('source broke');
      })(),
    );
    await expect(new ChunkReader(failing).read(10)).rejects.toThrow('source broke');
  });
});
