import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { MediaTypes } from '../src/images';
import { buildBigImage, createStreamedLayer, pushFileBlob } from '../src/images/streamed-layer';
import { RegistryFixture } from '../src/registry';
import { createTempDir, removeDir } from '../src/registry/temp-dir';
import { Skopeo } from '../src/skopeo/skopeo';

const MiB = 1024 * 1024;

/** What reading one layer blob back, streamed, showed. */
interface LayerReadback {
  digest: string;
  size: number;
  diffId: string;
  tarSize: number;
  /** `tar -tvf -` (GNU tar) on the gunzipped stream: one line per entry. */
  listing: string[];
}

function tap(onChunk: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      onChunk(chunk);
      callback(null, chunk);
    },
  });
}

/** Fetches a blob and gunzips it on the fly into GNU tar; a bad gzip CRC or length fails the pipeline. */
async function readLayer(url: string, init?: RequestInit): Promise<LayerReadback> {
  const res = await fetch(url, init);
  if (res.status !== 200 || !res.body) throw new Error(`GET ${url} → ${res.status}`);
  const blob = createHash('sha256');
  const tar = createHash('sha256');
  let size = 0;
  let tarSize = 0;
  const lister = spawn('tar', ['-tvf', '-'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let listing = '';
  lister.stdout.on('data', (chunk: Buffer) => (listing += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => lister.once('close', resolve));
  await pipeline(
    Readable.fromWeb(res.body as ReadableStream<Uint8Array>),
    tap((chunk) => (blob.update(chunk), (size += chunk.length))),
    createGunzip(),
    tap((chunk) => (tar.update(chunk), (tarSize += chunk.length))),
    lister.stdin,
  );
  expect(await exited).toBe(0);
  return {
    digest: `sha256:${blob.digest('hex')}`,
    size,
    diffId: `sha256:${tar.digest('hex')}`,
    tarSize,
    listing: listing.trim().split('\n'),
  };
}

describe('streamed layers and big images', () => {
  let registry: RegistryFixture;
  let dir: string;

  beforeAll(async () => {
    registry = await RegistryFixture.start({ name: 'big' });
  });

  beforeEach(() => {
    dir = createTempDir('streamed-layer');
  });

  afterEach(() => removeDir(dir));

  afterAll(async () => {
    await registry?.stop();
    await RegistryFixture.stopAll();
  });

  it('pushes an image whose layers read back with their digests, each a tar of one file', async () => {
    const spec = {
      registryUrl: registry.url,
      repository: 'bench/big',
      tag: 'v1',
      layers: 2,
      layerSize: 8 * MiB,
      tmpDir: dir,
    };
    const image = await buildBigImage(spec);

    expect(image.layers).toHaveLength(2);
    expect(new Set(image.layers.map((l) => l.digest)).size).toBe(2);
    for (const [i, layer] of image.layers.entries()) {
      expect(layer.mediaType).toBe(MediaTypes.ociLayerGzip);
      const read = await readLayer(`${registry.url}/v2/bench/big/blobs/${layer.digest}`);
      expect(read).toMatchObject({
        digest: layer.digest,
        size: layer.size,
        diffId: image.diffIds[i],
      });
      // One 512-byte header, the data (a multiple of 512 here), two zero blocks.
      expect(read.tarSize).toBe(512 + 8 * MiB + 1024);
      expect(read.listing).toHaveLength(1);
      expect(read.listing[0]).toMatch(
        new RegExp(`^-rw-r--r-- .* ${8 * MiB} .*layer-[0-9a-f]{8}\\.bin$`),
      );
      // Stored deflate: random data cannot shrink, so the blob is a little larger than its tar.
      expect(layer.size).toBeGreaterThan(read.tarSize);
    }
    const config = await (
      await fetch(`${registry.url}/v2/bench/big/blobs/${image.config.digest}`)
    ).json();
    expect(config).toMatchObject({
      os: 'linux',
      architecture: 'amd64',
      rootfs: { type: 'layers', diff_ids: image.diffIds },
    });
    expect(image.totalSize).toBe(image.config.size + image.layers[0].size + image.layers[1].size);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tar.gz'))).toEqual([]);
    expect(await Skopeo.inspectDigest(`${registry.host}/bench/big:v1`, { tls: false })).toBe(
      image.digest,
    );
    expect(await Skopeo.inspectRaw(`${registry.host}/bench/big:v1`, { tls: false })).toEqual(
      image.manifestBytes,
    );
  });

  it('keeps memory flat while writing and pushing a layer far larger than its buffer', async () => {
    // Buffers (arrayBuffers), not RSS: the RSS of a Jest worker that ran other suites moves by
    // tens of MB with heap garbage alone. Garbage Buffers count until V8 collects them, which it
    // does once they pass its external-memory soft limit (64 MiB), so the layer is four times
    // that and the bound half its size: a layer held whole shows ≥ 256 MiB.
    const size = 256 * MiB;
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sampler = setInterval(
      () => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)),
      5,
    );
    try {
      const layer = await createStreamedLayer({ size, dir });
      await pushFileBlob({ url: registry.url }, 'bench/memory', layer);
      const head = await fetch(`${registry.url}/v2/bench/memory/blobs/${layer.digest}`, {
        method: 'HEAD',
      });
      expect(head.status).toBe(200);
      expect(Number(head.headers.get('content-length'))).toBe(layer.size);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    expect(peak - before).toBeLessThan(size / 2);
  });
});

describe('streamed pushes to a registry with TLS and Basic auth', () => {
  let registry: RegistryFixture;
  let dir: string;

  beforeAll(async () => {
    registry = await RegistryFixture.start({ name: 'big-basic', auth: 'htpasswd', tls: true });
    dir = createTempDir('streamed-layer');
  });

  afterAll(async () => {
    removeDir(dir);
    await registry?.stop();
    await RegistryFixture.stopAll();
  });

  it('sends the credentials and trusts the private CA', async () => {
    const image = await buildBigImage({
      registryUrl: registry.url,
      caCertPem: registry.caCertPem,
      credentials: registry.credentials,
      repository: 'secure/big',
      tag: 'v1',
      layers: 1,
      layerSize: 300_000,
      tmpDir: dir,
    });
    expect(await Skopeo.inspectDigest(`${registry.host}/secure/big:v1`, registry)).toBe(
      image.digest,
    );
  });
});
