import { generateToken } from '@airlock/auth';
import {
  AirlockProcess,
  buildImage,
  buildIndex,
  buildSbom,
  buildSignature,
  ImagePusher,
  referrersFallbackTag,
  RegistryFixture,
  sha256Digest,
  Skopeo,
  waitFor,
  type TestDatabase,
  type TestImage,
  type TestRedis,
} from '@airlock/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';

interface Run {
  status: string;
  errors: Array<{ tag?: string; code: string; message: string }>;
  tags: Array<{ tag: string; outcome: string; digest?: string }>;
}

const UPSTREAM_REPO = 'library/base';
const ARCHIVE_REPO = 'mirror/library/base';

/**
 * "No archived digest is ever lost", held against the registry's own garbage collection: a
 * multi-platform index whose platforms are signed and carry SBOMs (the `sha256-<hex>` tag
 * fallback), its successor, and a single signed image are archived by the mirror; then the
 * Archive's storage goes through distribution 2.8's `garbage-collect --delete-untagged`, and
 * every platform, blob and referrer must still be pullable.
 */
describe('the Archive after registry garbage collection', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let worker: AirlockProcess;
  let upstream: RegistryFixture;
  let archive: RegistryFixture;
  let pusher: ImagePusher;
  const access = { tls: false };

  const call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    api.call<T>(method, path, { token: adminToken, body });

  const syncNow = async (): Promise<Run> => {
    const before = (await call<{ items: Run[] }>('GET', '/api/v1/mirror-rules/base/runs')).body
      .items.length;
    expect((await call('POST', '/api/v1/mirror-rules/base/sync')).status).toBe(202);
    return waitFor(
      'a finished run',
      async () => {
        const runs = (await call<{ items: Run[] }>('GET', '/api/v1/mirror-rules/base/runs')).body
          .items;
        return runs.length > before && runs[0]!.status !== 'running' ? runs[0] : undefined;
      },
      30000,
      200,
    );
  };

  beforeAll(async () => {
    [upstream, archive] = await Promise.all([
      RegistryFixture.start({ name: 'gc-upstream' }),
      RegistryFixture.start({ name: 'gc-archive' }),
    ]);
    pusher = new ImagePusher(upstream);
    ({ db, redis, api } = await startTestApi('archive_gc', adminToken));
    worker = AirlockProcess.start('worker', {
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
    });
    await worker.waitForLog(/worker consuming queues: .*mirror/);
    for (const [name, url, role] of [
      ['hub', upstream.url, 'upstream'],
      ['archive', archive.url, 'archive'],
    ])
      expect((await call('POST', '/api/v1/registries', { name, url, role })).status).toBe(201);
    const rule = await call('POST', '/api/v1/mirror-rules', {
      name: 'base',
      upstream: { registry: 'hub', repository: UPSTREAM_REPO },
      tags: { tags: ['multi', 'single'] },
      archive: { registry: 'archive', repository: ARCHIVE_REPO },
      schedule: '0 0 1 1 *',
    });
    expect(rule.status).toBe(201);
  });

  afterAll(async () => {
    await worker?.stop();
    pusher?.close();
    await Promise.all([upstream?.stop(), archive?.stop()]);
    await stopTestApi({ api, redis, db });
  });

  /** Pushes `image` under `tag` upstream with a signature and an SBOM on every manifest of it. */
  const pushSigned = async (image: TestImage, tag: string): Promise<TestImage[]> => {
    await pusher.push(UPSTREAM_REPO, image, [tag]);
    const referrers: TestImage[] = [];
    for (const subject of [image, ...image.children]) {
      for (const referrer of [buildSignature(subject), buildSbom(subject)]) {
        await pusher.pushReferrer(UPSTREAM_REPO, referrer);
        referrers.push(referrer);
      }
    }
    return referrers;
  };

  /** A manifest by digest from the Archive, through skopeo: exactly the bytes archived. */
  const expectManifest = async (manifest: TestImage) => {
    const raw = await Skopeo.inspectRaw(
      `${archive.host}/${ARCHIVE_REPO}@${manifest.digest}`,
      access,
    );
    expect(sha256Digest(raw)).toBe(manifest.digest);
  };
  const expectBlobs = async (manifest: TestImage) => {
    for (const blob of manifest.blobs) {
      const response = await fetch(`${archive.url}/v2/${ARCHIVE_REPO}/blobs/${blob.digest}`);
      expect(response.status).toBe(200);
      expect(sha256Digest(Buffer.from(await response.arrayBuffer()))).toBe(blob.digest);
    }
  };
  /** Pulls a platform whole (manifest, config, layers) with skopeo. */
  const expectPullable = async (image: TestImage) => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-gc-pull-'));
    try {
      await Skopeo.copy(`${archive.host}/${ARCHIVE_REPO}@${image.digest}`, `dir:${dir}`, {
        src: access,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const expectReferrers = async (subject: TestImage, referrers: TestImage[]) => {
    const raw = await Skopeo.inspectRaw(
      `${archive.host}/${ARCHIVE_REPO}:${referrersFallbackTag(subject.digest)}`,
      access,
    );
    const listed = (JSON.parse(raw.toString()) as { manifests: Array<{ digest: string }> })
      .manifests;
    const own = referrers.filter((r) => r.subject!.digest === subject.digest);
    expect(listed.map((m) => m.digest).sort()).toEqual(own.map((r) => r.digest).sort());
    for (const referrer of own) {
      await expectManifest(referrer);
      await expectBlobs(referrer);
    }
  };

  it('keeps every platform of an archived index, its successor, a single image, and all their referrers', async () => {
    const v1 = buildIndex({ layers: [{ size: 4096 }] });
    const v1Referrers = await pushSigned(v1, 'multi');
    const single = buildImage({ layers: [{ size: 2048 }] });
    const singleReferrers = await pushSigned(single, 'single');
    const first = await syncNow();
    expect(first).toMatchObject({ status: 'succeeded', errors: [] });

    // The tag moves on: v1 is kept by its history tag alone.
    const v2 = buildIndex({ layers: [{ size: 4096 }] });
    const v2Referrers = await pushSigned(v2, 'multi');
    const moved = await syncNow();
    expect(moved).toMatchObject({ status: 'succeeded', errors: [] });
    expect(moved.tags).toEqual(
      expect.arrayContaining([expect.objectContaining({ tag: 'multi', digest: v2.digest })]),
    );

    // A control: an untagged manifest in the Archive is what this GC deletes.
    const stray = buildImage({ layers: [{ size: 512 }] });
    const archivePusher = new ImagePusher(archive);
    await archivePusher.push(ARCHIVE_REPO, stray);
    archivePusher.close();

    const printed = await archive.garbageCollect({ deleteUntagged: true });

    expect(printed).toContain(`manifest eligible for deletion: ${stray.digest}`);
    await expect(
      Skopeo.inspectRaw(`${archive.host}/${ARCHIVE_REPO}@${stray.digest}`, access),
    ).rejects.toThrow(/manifest unknown/);
    for (const [index, referrers] of [
      [v1, v1Referrers],
      [v2, v2Referrers],
    ] as const) {
      await expectManifest(index);
      await expectReferrers(index, referrers);
      for (const platform of index.children) {
        await expectManifest(platform);
        await expectPullable(platform);
        await expectReferrers(platform, referrers);
      }
    }
    await expectPullable(single);
    await expectReferrers(single, singleReferrers);
    expect(await Skopeo.inspectDigest(`${archive.host}/${ARCHIVE_REPO}:multi`, access)).toBe(
      v2.digest,
    );
  });
});
