import { randomBytes } from 'node:crypto';
import { constants, gzipSync } from 'node:zlib';
import { sha256Digest } from './digest';
import type { Descriptor, Platform } from './image-types';
import { TAR_BLOCK, ustarHeader } from './ustar';

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
  const padding = (TAR_BLOCK - (data.length % TAR_BLOCK)) % TAR_BLOCK;
  return Buffer.concat([
    ustarHeader(name, data.length),
    data,
    Buffer.alloc(padding + 2 * TAR_BLOCK),
  ]);
}
