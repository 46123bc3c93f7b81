import { randomBytes } from 'node:crypto';
import { constants, gzipSync } from 'node:zlib';
import { sha256Digest } from './digest';
import type { Descriptor, Platform } from './image-types';

/**
 * `gzip`: ordinary deflate (random data barely shrinks, but the stream is real compression).
 * `stored-gzip`: gzip at level 0 — stored deflate blocks, fast to build for large layers.
 */
export type LayerCompression = 'gzip' | 'stored-gzip';

export interface LayerSpec {
  /** Bytes of random content in the layer's single file. */
  size: number;
  compression?: LayerCompression;
}

export interface BuiltBlob {
  descriptor: Descriptor;
  bytes: Buffer;
}

export interface BuiltLayer extends BuiltBlob {
  /** sha256 of the uncompressed tar: the config's rootfs.diff_ids entry. */
  diffId: string;
}

const BLOCK = 512;

export function createBlob(bytes: Buffer, mediaType: string): BuiltBlob {
  return { bytes, descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length } };
}

/** A gzip-wrapped tar holding one file of `spec.size` random bytes. */
export function createLayer(spec: LayerSpec, mediaType: string): BuiltLayer {
  const tar = singleFileTar(`layer-${randomBytes(4).toString('hex')}.bin`, randomBytes(spec.size));
  const level =
    spec.compression === 'stored-gzip'
      ? constants.Z_NO_COMPRESSION
      : constants.Z_DEFAULT_COMPRESSION;
  return { ...createBlob(gzipSync(tar, { level }), mediaType), diffId: sha256Digest(tar) };
}

/** An image config whose rootfs.diff_ids match the layers (registries don't check; clients do). */
export function createConfig(platform: Platform, diffIds: string[], mediaType: string): BuiltBlob {
  const created = '2024-01-01T00:00:00Z';
  const config = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created, created_by: `airlock test layer ${i}` })),
  };
  return createBlob(Buffer.from(JSON.stringify(config)), mediaType);
}

/** POSIX ustar: one header block, the data padded to 512, then two zero blocks (end of archive). */
function singleFileTar(name: string, data: Buffer): Buffer {
  const header = Buffer.alloc(BLOCK);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100, 'ascii'); // mode
  header.write('0000000\0', 108, 'ascii'); // uid
  header.write('0000000\0', 116, 'ascii'); // gid
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  header.write('00000000000\0', 136, 'ascii'); // mtime: fixed, only the data is random
  header.write('        ', 148, 'ascii'); // checksum is computed with its own field as spaces
  header.write('0', 156, 'ascii'); // regular file
  header.write('ustar\0' + '00', 257, 'ascii');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.write(`${checksum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  const padding = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return Buffer.concat([header, data, Buffer.alloc(padding + 2 * BLOCK)]);
}
