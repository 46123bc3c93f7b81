import { AirlockError } from '@airlock/errors';
import { addImage, addIndex, linux } from '../test/fake-content';
import { FakeRegistry } from '../test/fake-registry';
import { CopyEngine } from './copy-engine';
import type { CopyProgress } from './copy-types';

describe('CopyEngine (write order and decisions, in-memory registries)', () => {
  let source: FakeRegistry;
  let target: FakeRegistry;
  const engine = new CopyEngine();

  beforeEach(() => {
    source = new FakeRegistry('src');
    target = new FakeRegistry('dst');
  });

  /** A one-layer image copied into the target untagged, the call logs cleared after. */
  const copiedUntagged = async () => {
    const image = addImage(source, 'app', [10]);
    const request = {
      source: { registry: source, repository: 'app', digest: image.digest },
      target: { registry: target, repository: 'app' },
    };
    await engine.copy(request);
    target.calls.length = 0;
    source.calls.length = 0;
    return { image, request };
  };

  /** `request` again with the tag v1, its root known present (a release's commit). */
  const tagV1RootPresent = (request: Awaited<ReturnType<typeof copiedUntagged>>['request']) =>
    engine.copy({
      ...request,
      target: { ...request.target, tags: ['v1'] },
      options: { rootPresent: true },
    });

  it('writes blobs, then the manifest with its tag, in one PUT — and the target serves the source digest', async () => {
    const image = addImage(source, 'app', [30, 10, 20]);
    const result = await engine.copy({
      source: { registry: source, repository: 'app', digest: image.digest },
      target: { registry: target, repository: 'app', tags: ['v1'] },
      options: { concurrency: 1 },
    });
    const writes = target.writes();
    expect(writes.slice(0, 4).every((w) => w.startsWith('PUSH'))).toBe(true);
    // Nothing lands between the manifest and its tag: the tag's PUT writes it, as skopeo does.
    expect(writes.slice(4)).toEqual(['PUT manifest app:v1']);
    expect(result).toMatchObject({
      digest: image.digest,
      sourceDigest: image.digest,
      mode: 'image',
      alreadyPresent: false,
      tags: ['v1'],
    });
    expect(result.blobs).toMatchObject({ total: 4, copied: 4, mounted: 0, skipped: 0 });
    expect(target.tags.get('app:v1')).toBe(image.digest);
  });

  it('writes the manifest by digest first when something lands before its tags (beforeTags)', async () => {
    const image = addImage(source, 'app', [30, 10]);
    let presentBeforeTags: boolean | undefined;
    await engine.copy({
      source: { registry: source, repository: 'app', digest: image.digest },
      target: { registry: target, repository: 'app', tags: ['v1'] },
      options: {
        concurrency: 1,
        beforeTags: async () => {
          presentBeforeTags = (await target.headManifest('app', image.digest)) !== undefined;
        },
      },
    });
    expect(presentBeforeTags).toBe(true);
    expect(target.writes().slice(-2)).toEqual([
      `PUT manifest app:${image.digest}`,
      'PUT manifest app:v1',
    ]);
    expect(target.tags.get('app:v1')).toBe(image.digest);
  });

  it('copies the largest blob first', async () => {
    const image = addImage(source, 'app', [5, 50, 25]);
    await engine.copy({
      source: { registry: source, repository: 'app', digest: image.digest },
      target: { registry: target, repository: 'app' },
      options: { concurrency: 1 },
    });
    const sizes = target
      .writes()
      .filter((w) => w.startsWith('PUSH'))
      .map((w) => target.blobs.get(w.replace('PUSH blob ', ''))!.length);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  });

  it('is done in one request when the target already has the digest', async () => {
    const { image, request } = await copiedUntagged();
    const again = await engine.copy(request);
    expect(again.alreadyPresent).toBe(true);
    expect(target.calls).toEqual([`HEAD manifest app:${image.digest}`]);
    expect(source.calls).toEqual([]);
  });

  it('mounts within one registry instead of streaming', async () => {
    const image = addImage(source, 'app', [10, 20]);
    const result = await engine.copy({
      source: { registry: source, repository: 'app', digest: image.digest },
      target: { registry: source, repository: 'app-release' },
    });
    expect(result.blobs).toMatchObject({ mounted: 3, copied: 0, bytesCopied: 0 });
    expect(source.calls.filter((c) => c.startsWith('GET blob'))).toEqual([]);
  });

  it('skips blobs the target holds and reports progress up to the totals', async () => {
    const image = addImage(source, 'app', [10, 20]);
    const shared = [...source.blobs.entries()].find(([, b]) => b.length === 20)!;
    target.blobs.set(shared[0].replace('app@', 'app@'), shared[1]);
    const reports: CopyProgress[] = [];
    const result = await engine.copy({
      source: { registry: source, repository: 'app', digest: image.digest },
      target: { registry: target, repository: 'app' },
      options: { onProgress: (p) => reports.push(p) },
    });
    expect(result.blobs).toMatchObject({ skipped: 1, copied: 2 });
    const last = reports[reports.length - 1];
    expect(last).toMatchObject({ blobsDone: 3, blobsTotal: 3, skipped: 1, copied: 2 });
    expect(last.bytesDone).toBe(last.bytesTotal);
  });

  it('refuses to move a tag that points at another digest, before writing anything', async () => {
    const old = addImage(target, 'app', [7], 'v1', 'old');
    const image = addImage(source, 'app', [10]);
    const copying = engine.copy({
      source: { registry: source, repository: 'app', digest: image.digest },
      target: { registry: target, repository: 'app', tags: ['v1'] },
    });
    await expect(copying).rejects.toMatchObject({ code: 'TAG_CONFLICT', retryable: false });
    expect(target.writes()).toEqual([]);
    expect(target.tags.get('app:v1')).toBe(old.digest);
  });

  it('moves the tag when overwriting is allowed, without asking where it points', async () => {
    addImage(target, 'app', [7], 'latest', 'old');
    const image = addImage(source, 'app', [10]);
    await engine.copy({
      source: { registry: source, repository: 'app', digest: image.digest },
      target: { registry: target, repository: 'app', tags: ['latest'] },
      options: { allowTagOverwrite: true },
    });
    expect(target.calls.filter((c) => c === 'HEAD manifest app:latest')).toEqual([]);
    expect(target.tags.get('app:latest')).toBe(image.digest);
  });

  it('tags a digest the target holds with one GET of the root, one HEAD and one PUT per tag', async () => {
    const { image, request: untagged } = await copiedUntagged();
    const tagged = { ...untagged, target: { ...untagged.target, tags: ['v1'] } };
    const result = await engine.copy(tagged);
    expect(result.alreadyPresent).toBe(true);
    // The root's bytes come with the presence check; the tag's HEAD is the immutability check.
    expect(target.calls).toEqual([
      `GET manifest app:${image.digest}`,
      'HEAD manifest app:v1',
      'PUT manifest app:v1',
    ]);
    expect(source.calls).toEqual([]);
    expect(target.tags.get('app:v1')).toBe(image.digest);

    // Again: the tag already names the digest, so nothing is written.
    target.calls.length = 0;
    await engine.copy(tagged);
    expect(target.calls).toEqual([`GET manifest app:${image.digest}`, 'HEAD manifest app:v1']);
  });

  it('with rootPresent, tags a staged digest without asking the target for it, using the source bytes', async () => {
    const { image, request } = await copiedUntagged();
    const result = await tagV1RootPresent(request);
    expect(result.alreadyPresent).toBe(true);
    expect(target.calls).toEqual(['HEAD manifest app:v1', 'PUT manifest app:v1']);
    expect(source.calls).toEqual([`GET manifest app:${image.digest}`]);
    expect(target.tags.get('app:v1')).toBe(image.digest);
  });

  it("with rootPresent, tags with the target's bytes when the source no longer has the image", async () => {
    const { image, request } = await copiedUntagged();
    // The CI pool cleaned up before the release's commit was retried.
    source.manifests.delete(`app@${image.digest}`);
    await tagV1RootPresent(request);
    expect(target.calls).toEqual([
      `GET manifest app:${image.digest}`,
      'HEAD manifest app:v1',
      'PUT manifest app:v1',
    ]);
    expect(target.tags.get('app:v1')).toBe(image.digest);
  });

  it('with tagsFree, checks the tags only right before writing them — a tag taken meanwhile still refuses', async () => {
    const image = addImage(source, 'app', [10]);
    const request = {
      source: { registry: source, repository: 'app', digest: image.digest },
      target: { registry: target, repository: 'app', tags: ['v1'] },
      options: { rootAbsent: true, tagsFree: true },
    };
    await engine.copy(request);
    expect(target.calls.filter((c) => c === 'HEAD manifest app:v1')).toHaveLength(1);
    expect(target.tags.get('app:v1')).toBe(image.digest);

    // Someone else tags v1 in the target while the next copy runs (after the request's plan).
    const other = addImage(source, 'app', [11]);
    const old = addImage(target, 'app', [7], 'v2', 'old');
    const copying = engine.copy({
      ...request,
      source: { ...request.source, digest: other.digest },
      target: { ...request.target, tags: ['v2'] },
    });
    await expect(copying).rejects.toMatchObject({ code: 'TAG_CONFLICT' });
    expect(target.tags.get('app:v2')).toBe(old.digest);
  });

  it('copies every platform of an index: children before the index', async () => {
    const { index, children } = addIndex(source, 'app', [
      linux('amd64'),
      linux('arm64'),
      linux('s390x'),
    ]);
    const result = await engine.copy({
      source: { registry: source, repository: 'app', digest: index.digest },
      target: { registry: target, repository: 'app' },
    });
    expect(result).toMatchObject({
      mode: 'index',
      digest: index.digest,
      platforms: [linux('amd64'), linux('arm64'), linux('s390x')],
    });
    const manifestWrites = target.writes().filter((w) => w.startsWith('PUT manifest'));
    expect(manifestWrites).toEqual([
      ...children.map((c) => `PUT manifest app:${c.digest}`),
      `PUT manifest app:${index.digest}`,
    ]);
  });

  it('copies a platform subset as a new, reported index', async () => {
    const { index, children } = addIndex(source, 'app', [linux('amd64'), linux('arm64')]);
    const result = await engine.copy({
      source: { registry: source, repository: 'app', digest: index.digest },
      target: { registry: target, repository: 'app' },
      options: { platforms: [linux('arm64')] },
    });
    expect(result.mode).toBe('platform-subset');
    expect(result.digest).not.toBe(index.digest);
    expect(result.platforms).toEqual([linux('arm64')]);
    expect(target.manifests.has(`app@${children[1].digest}`)).toBe(true);
    expect(target.manifests.has(`app@${children[0].digest}`)).toBe(false);
  });

  it('fails before writing anything when a child of the index is missing at the source', async () => {
    const { index, children } = addIndex(source, 'app', [linux('amd64'), linux('arm64')]);
    source.manifests.delete(`app@${children[1].digest}`);
    await expect(
      engine.copy({
        source: { registry: source, repository: 'app', digest: index.digest },
        target: { registry: target, repository: 'app', tags: ['v1'] },
      }),
    ).rejects.toBeInstanceOf(AirlockError);
    expect(target.writes()).toEqual([]);
  });

  it('plans without writing: copy, mount and skip decisions and tag collisions', async () => {
    addImage(target, 'app', [7], 'v1', 'old');
    const image = addImage(source, 'app', [10, 20]);
    const plan = await engine.plan({
      source: { registry: source, repository: 'app', digest: image.digest },
      target: { registry: target, repository: 'app', tags: ['v1', 'v2'] },
    });
    expect(plan.blobs.map((b) => b.action)).toEqual(['copy', 'copy', 'copy']);
    expect(plan.bytesToCopy).toBe(plan.bytesTotal);
    expect(plan.tagCollisions).toEqual([{ tag: 'v1', currentDigest: target.tags.get('app:v1') }]);
    expect(target.writes()).toEqual([]);
  });
});
