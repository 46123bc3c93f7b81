import { createHash, randomBytes, randomFill } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { join } from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { createConfig } from './blob-factory';
import { manifestOf } from './image-builder';
import { ImagePusher } from './image-pusher';
import type { Descriptor } from './image-types';
import { MediaTypes } from './media-types';
import {
  RegistryRequestError,
  RegistryTransport,
  type RegistryRequest,
  type RegistryTarget,
} from './registry-transport';
import { TAR_BLOCK, ustarHeader } from './ustar';

export interface StreamedLayerSpec {
  /** Bytes of random content in the layer's single file. */
  size: number;
  /** Where the .tar.gz is written; the caller removes it. */
  dir: string;
  /** Default: the OCI gzip layer type. */
  mediaType?: string;
}

/** A layer blob on disk, never held in memory whole. */
export interface StreamedLayer {
  path: string;
  /** sha256 of the file (the compressed blob). */
  digest: string;
  /** Bytes in the file. */
  size: number;
  /** sha256 of the uncompressed tar: the config's rootfs.diff_ids entry. */
  diffId: string;
  mediaType: string;
}

/** What a streamed upload needs to know of a blob file. */
export type FileBlob = Pick<StreamedLayer, 'path' | 'digest' | 'size'>;

export interface BigImageSpec {
  registryUrl: string;
  caCertPem?: string;
  /** Sent as Basic auth; registries behind a token server are not supported. */
  credentials?: { username: string; password: string };
  repository: string;
  tag: string;
  layers: number;
  /** Bytes of random content per layer. */
  layerSize: number;
  /** Each layer file lives here only while it is pushed. */
  tmpDir: string;
}

export interface BigImage {
  digest: string;
  mediaType: string;
  manifestBytes: Buffer;
  config: Descriptor;
  layers: Descriptor[];
  diffIds: string[];
  /** Bytes of every blob (config and layers): what a copy moves, the manifest aside. */
  totalSize: number;
}

const CHUNK = 1024 * 1024;
const MAX_USTAR_SIZE = 8 ** 11 - 1;

/**
 * Writes a .tar.gz holding one file of `size` random bytes, hashing as it goes: memory stays at
 * one reused 1 MiB buffer whatever the size. Gzip level 0 (stored blocks), so it is fast and the
 * bytes stay incompressible end to end, like a real layer of already-compressed content.
 */
export async function createStreamedLayer(spec: StreamedLayerSpec): Promise<StreamedLayer> {
  if (!Number.isInteger(spec.size) || spec.size < 0 || spec.size > MAX_USTAR_SIZE)
    throw new Error(`bad layer size ${spec.size}`);
  const path = join(spec.dir, `layer-${randomBytes(6).toString('hex')}.tar.gz`);
  const gzip = createGzip({ level: constants.Z_NO_COMPRESSION });
  const blob = digestCounter();
  const written = pipeline(gzip, blob.stream, createWriteStream(path));
  const tar = writeSingleFileTar(gzip, spec.size).catch((error: unknown) => {
    gzip.destroy(error as Error);
    throw error;
  });
  try {
    const [diffId] = await Promise.all([tar, written]);
    return {
      path,
      digest: blob.digest(),
      size: blob.size(),
      diffId,
      mediaType: spec.mediaType ?? MediaTypes.ociLayerGzip,
    };
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

/**
 * Uploads a blob file in one streamed PUT (POST, then PUT ?digest= with Content-Length). The
 * POST goes through RegistryTransport (any auth it knows); the PUT body is a file stream, which
 * that transport cannot send, so the PUT carries Basic credentials or none.
 */
export async function pushFileBlob(
  target: RegistryTarget,
  repository: string,
  blob: FileBlob,
): Promise<void> {
  const transport = new RegistryTransport(target);
  try {
    await uploadFile(transport, repository, blob);
  } finally {
    transport.close();
  }
}

/** An OCI image of `layers` streamed layers, pushed blob by blob and tagged; disk use peaks at one layer. */
export async function buildBigImage(spec: BigImageSpec): Promise<BigImage> {
  const { registryUrl: url, caCertPem, credentials } = spec;
  const pusher = new ImagePusher({ url, caCertPem, credentials });
  const transport = pusher.transport;
  try {
    const layers: StreamedLayer[] = [];
    for (let i = 0; i < spec.layers; i++) layers.push(await createAndPushLayer(transport, spec));
    const diffIds = layers.map((l) => l.diffId);
    const config = createConfig(
      { os: 'linux', architecture: 'amd64' },
      diffIds,
      MediaTypes.ociConfig,
    );
    await pusher.pushBlob(spec.repository, config.descriptor, config.bytes);
    const descriptors = layers.map(({ mediaType, digest, size }) => ({ mediaType, digest, size }));
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: config.descriptor,
      layers: descriptors,
    };
    const built = manifestOf(manifest, MediaTypes.ociManifest);
    await putManifest(transport, spec, built.manifestBytes, built.digest);
    const totalSize = descriptors.reduce((sum, l) => sum + l.size, config.descriptor.size);
    return { ...built, config: config.descriptor, layers: descriptors, diffIds, totalSize };
  } finally {
    pusher.close();
  }
}

async function createAndPushLayer(
  transport: RegistryTransport,
  spec: BigImageSpec,
): Promise<StreamedLayer> {
  const layer = await createStreamedLayer({ size: spec.layerSize, dir: spec.tmpDir });
  try {
    await uploadFile(transport, spec.repository, layer);
    return layer;
  } finally {
    await rm(layer.path, { force: true });
  }
}

/** Returns the diff_id. Every chunk is hashed, then written once gzip has taken the one before. */
async function writeSingleFileTar(out: Writable, size: number): Promise<string> {
  const tar = createHash('sha256');
  const put = async (chunk: Buffer): Promise<void> => {
    tar.update(chunk);
    await write(out, chunk);
  };
  await put(ustarHeader(`layer-${randomBytes(4).toString('hex')}.bin`, size));
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK, size));
  for (let left = size; left > 0; left -= buffer.length) {
    const chunk = buffer.subarray(0, Math.min(buffer.length, left));
    await fillRandom(chunk);
    await put(chunk);
  }
  await put(Buffer.alloc(((TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK) + 2 * TAR_BLOCK)); // data padding, end of archive
  out.end();
  return `sha256:${tar.digest('hex')}`;
}

/**
 * Resolves once the stream has consumed the chunk. zlib reads its input asynchronously, so the
 * reused buffer may only be refilled after this: a plain `pipeline` from a generator would queue
 * several views of the same buffer and corrupt the layer. Waiting also gives backpressure.
 */
function write(out: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    out.write(chunk, (error) => (error ? reject(error) : resolve())),
  );
}

function fillRandom(buffer: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    randomFill(buffer, (error) => (error ? reject(error) : resolve())),
  );
}

function digestCounter(): { stream: Transform; digest: () => string; size: () => number } {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, digest: () => `sha256:${hash.digest('hex')}`, size: () => size };
}

async function uploadFile(
  transport: RegistryTransport,
  repository: string,
  blob: FileBlob,
): Promise<void> {
  const url = await startUpload(transport, repository, blob.digest);
  const res = await putFile(url, blob, transport.target);
  if (res.status === 401)
    throw new Error(`streamed PUT of ${blob.digest} got 401: only Basic or no auth is supported`);
  if (res.status !== 201)
    throw new Error(`streamed PUT of ${blob.digest} → ${res.status}: ${res.body.slice(0, 500)}`);
  const digest = res.headers['docker-content-digest'];
  if (digest !== blob.digest)
    throw new Error(`registry stored ${String(digest)} for blob ${blob.digest}`);
}

/** POSTs an upload; returns the URL to PUT the whole blob to. */
async function startUpload(
  transport: RegistryTransport,
  repository: string,
  digest: string,
): Promise<URL> {
  const started = await expectStatus(
    transport,
    { method: 'POST', path: `/v2/${repository}/blobs/uploads/` },
    202,
  );
  const location = started.location;
  if (typeof location !== 'string')
    throw new Error(`upload for ${repository} started without a Location`);
  // Append, don't rebuild, the query: the opaque `_state` parameter must reach the registry intact.
  return new URL(
    `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`,
    transport.target.url,
  );
}

async function putManifest(
  transport: RegistryTransport,
  spec: BigImageSpec,
  bytes: Buffer,
  digest: string,
): Promise<void> {
  const path = `/v2/${spec.repository}/manifests/${spec.tag}`;
  const headers = await expectStatus(
    transport,
    { method: 'PUT', path, headers: { 'Content-Type': MediaTypes.ociManifest }, body: bytes },
    201,
  );
  if (headers['docker-content-digest'] !== digest)
    throw new Error(`registry computed ${String(headers['docker-content-digest'])} for ${digest}`);
}

async function expectStatus(
  transport: RegistryTransport,
  req: RegistryRequest,
  status: number,
): Promise<IncomingHttpHeaders> {
  const res = await transport.request(req);
  if (res.status !== status) throw new RegistryRequestError(req, res);
  return res.headers;
}

function putFile(
  url: URL,
  blob: FileBlob,
  target: RegistryTarget,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(blob.size),
  };
  const { credentials } = target;
  if (credentials)
    headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const options: RequestOptions = { method: 'PUT', headers, ca: target.caCertPem, agent: false };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    pipeline(createReadStream(blob.path), req).catch(reject);
  });
}
