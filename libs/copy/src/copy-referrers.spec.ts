import type { RawManifest } from '@airlock/registry-client';
import {
  addImage,
  addIndex,
  addIndexReferrer,
  addReferrer,
  linux,
  listReferrer,
  descriptorOf,
} from '../test/fake-content';
import { FakeRegistry } from '../test/fake-registry';
import { CopyEngine } from './copy-engine';
import { MAX_REFERRER_DEPTH } from './referrer-walk';

const SIG = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const SBOM = 'application/spdx+json';
const ATTESTATION = 'application/vnd.in-toto+json';

const manifestPut = (digest: string) => `PUT manifest app:${digest}`;
const fallbackPut = (subject: string) => `PUT manifest app:${subject.replace(':', '-')}`;

describe('CopyEngine: referrers of every manifest it copies (in-memory registries)', () => {
  let source: FakeRegistry;
  let target: FakeRegistry;
  const engine = new CopyEngine();

  beforeEach(() => {
    source = new FakeRegistry('src');
    target = new FakeRegistry('dst');
  });

  const copy = (digest: string, options = {}, tags: string[] = ['v1']) =>
    engine.copy({
      source: { registry: source, repository: 'app', digest },
      target: { registry: target, repository: 'app', tags },
      options: { referrers: true, concurrency: 1, ...options },
    });

  /** An index whose platforms are signed one by one, amd64 with an SBOM too, and the index signed. */
  function signedIndex() {
    const { index, children } = addIndex(source, 'app', [linux('amd64'), linux('arm64')]);
    const [amd64, arm64] = children as [RawManifest, RawManifest];
    return {
      index,
      amd64,
      arm64,
      indexSig: addReferrer(source, 'app', index, SIG, 'index-sig'),
      amd64Sig: addReferrer(source, 'app', amd64, SIG, 'amd64-sig'),
      amd64Sbom: addReferrer(source, 'app', amd64, SBOM, 'amd64-sbom'),
      arm64Sig: addReferrer(source, 'app', arm64, SIG, 'arm64-sig'),
    };
  }

  it('copies the referrers of the index and of each platform manifest, after the index and before the tags', async () => {
    const c = signedIndex();
    const result = await copy(c.index.digest);

    expect(
      result.referrers.map((r) => [r.digest, r.subject, r.artifactType, r.action]).sort(),
    ).toEqual(
      [
        [c.indexSig.digest, c.index.digest, SIG, 'copy'],
        [c.amd64Sig.digest, c.amd64.digest, SIG, 'copy'],
        [c.amd64Sbom.digest, c.amd64.digest, SBOM, 'copy'],
        [c.arm64Sig.digest, c.arm64.digest, SIG, 'copy'],
      ].sort(),
    );
    expect((await target.referrers('app', c.amd64.digest)).map((r) => r.digest)).toEqual([
      c.amd64Sig.digest,
      c.amd64Sbom.digest,
    ]);
    expect((await target.referrers('app', c.arm64.digest)).map((r) => r.digest)).toEqual([
      c.arm64Sig.digest,
    ]);
    const writes = target.writes();
    // Referrers to write: the index lands by digest first, so their subject is in the target.
    const indexAt = writes.indexOf(manifestPut(c.index.digest));
    expect(indexAt).toBeGreaterThanOrEqual(0);
    for (const referrer of [c.indexSig, c.amd64Sig, c.amd64Sbom, c.arm64Sig]) {
      expect(writes.indexOf(manifestPut(referrer.digest))).toBeGreaterThan(indexAt);
      expect(target.manifests.get(`app@${referrer.digest}`)?.bytes).toEqual(referrer.bytes);
    }
    expect(writes[writes.length - 1]).toBe('PUT manifest app:v1');
  });

  it('copies a referrer that is an index together with its children, children first', async () => {
    const image = addImage(source, 'app', [10]);
    const perPlatform = [
      addImage(source, 'app', [11], undefined, 'att-amd64'),
      addImage(source, 'app', [12], undefined, 'att-arm64'),
    ];
    const attestations = addIndexReferrer(source, 'app', image, ATTESTATION, perPlatform);

    await copy(image.digest);

    const writes = target.writes();
    for (const child of perPlatform) {
      expect(target.manifests.has(`app@${child.digest}`)).toBe(true);
      expect(writes.indexOf(manifestPut(child.digest))).toBeLessThan(
        writes.indexOf(manifestPut(attestations.digest)),
      );
    }
    expect((await target.referrers('app', image.digest)).map((r) => r.digest)).toEqual([
      attestations.digest,
    ]);
  });

  it('carries the referrers of a referrer (a signature on the SBOM), after the SBOM', async () => {
    const image = addImage(source, 'app', [10]);
    const sbom = addReferrer(source, 'app', image, SBOM);
    const sbomSig = addReferrer(source, 'app', sbom, SIG, 'sbom-sig');

    const result = await copy(image.digest);

    expect(result.referrers.map((r) => [r.digest, r.subject])).toEqual([
      [sbom.digest, image.digest],
      [sbomSig.digest, sbom.digest],
    ]);
    expect((await target.referrers('app', sbom.digest)).map((r) => r.digest)).toEqual([
      sbomSig.digest,
    ]);
    const writes = target.writes();
    expect(writes.indexOf(manifestPut(sbomSig.digest))).toBeGreaterThan(
      writes.indexOf(fallbackPut(image.digest)),
    );
  });

  it('copies nothing twice on a re-run, and still lists every referrer it carries', async () => {
    const c = signedIndex();
    await copy(c.index.digest);
    target.calls.length = 0;

    const again = await copy(c.index.digest);

    expect(again.alreadyPresent).toBe(true);
    expect(target.writes()).toEqual([]);
    expect(again.referrers).toHaveLength(4);
    expect(again.referrers.every((r) => r.action === 'skip')).toBe(true);
  });

  it('brings on a re-run a referrer of a platform manifest that arrived at the source since', async () => {
    const c = signedIndex();
    await copy(c.index.digest);
    const late = addReferrer(source, 'app', c.arm64, SBOM, 'late-sbom');
    target.calls.length = 0;

    const again = await copy(c.index.digest);

    expect(again.referrers.filter((r) => r.action === 'copy').map((r) => r.digest)).toEqual([
      late.digest,
    ]);
    expect(target.writes().filter((w) => w.startsWith('PUT manifest'))).toEqual([
      manifestPut(late.digest),
      fallbackPut(c.arm64.digest),
    ]);
  });

  it('follows a referrer listing that loops back to what it already carries, once', async () => {
    const image = addImage(source, 'app', [10]);
    const sig = addReferrer(source, 'app', image, SIG);
    // A broken fallback index: the signature "refers" to the image and to itself.
    listReferrer(source, 'app', sig.digest, descriptorOf(image));
    listReferrer(source, 'app', sig.digest, descriptorOf(sig, SIG));

    const result = await copy(image.digest);

    expect(result.referrers.map((r) => r.digest)).toEqual([sig.digest]);
    const puts = target.writes().filter((w) => w === manifestPut(sig.digest));
    expect(puts).toHaveLength(1);
  });

  it(`refuses referrers nested deeper than ${MAX_REFERRER_DEPTH} levels, before writing anything`, async () => {
    const image = addImage(source, 'app', [10]);
    let subject = image;
    for (let depth = 1; depth <= MAX_REFERRER_DEPTH + 1; depth++)
      subject = addReferrer(source, 'app', subject, SIG, `sig-${depth}`);

    await expect(copy(image.digest)).rejects.toMatchObject({
      code: 'REGISTRY_ERROR',
      retryable: false,
      message: expect.stringContaining(`deeper than ${MAX_REFERRER_DEPTH}`),
    });
    expect(target.writes()).toEqual([]);
  });

  it('takes the referrers of the selected types and everything that refers to them', async () => {
    const c = signedIndex();
    const sigOfSig = addReferrer(source, 'app', c.arm64Sig, ATTESTATION, 'sig-attestation');

    const result = await copy(c.index.digest, { referrers: { artifactTypes: [SIG] } });

    expect(result.referrers.map((r) => r.digest).sort()).toEqual(
      [c.indexSig.digest, c.amd64Sig.digest, c.arm64Sig.digest, sigOfSig.digest].sort(),
    );
    expect(target.manifests.has(`app@${c.amd64Sbom.digest}`)).toBe(false);
  });

  it('plans the referrers with their subject and whether the target lacks them, writing nothing', async () => {
    const c = signedIndex();
    await copy(c.amd64.digest, {}, []);
    target.calls.length = 0;

    const plan = await engine.plan({
      source: { registry: source, repository: 'app', digest: c.index.digest },
      target: { registry: target, repository: 'app', tags: ['v1'] },
      options: { referrers: true },
    });

    expect(plan.referrers.map((r) => [r.digest, r.subject, r.action]).sort()).toEqual(
      [
        [c.indexSig.digest, c.index.digest, 'copy'],
        [c.amd64Sig.digest, c.amd64.digest, 'skip'],
        [c.amd64Sbom.digest, c.amd64.digest, 'skip'],
        [c.arm64Sig.digest, c.arm64.digest, 'copy'],
      ].sort(),
    );
    expect(target.writes()).toEqual([]);
  });

  it('plans no referrers when the copy carries none', async () => {
    const c = signedIndex();
    const plan = await engine.plan({
      source: { registry: source, repository: 'app', digest: c.index.digest },
      target: { registry: target, repository: 'app' },
    });
    expect(plan.referrers).toEqual([]);
  });
});

describe('CopyEngine: pinning every manifest it writes (GC that deletes untagged manifests)', () => {
  let source: FakeRegistry;
  let target: FakeRegistry;
  const engine = new CopyEngine();
  const pinTag = (digest: string) => `pin-${digest.slice('sha256:'.length)}`;

  beforeEach(() => {
    source = new FakeRegistry('src');
    target = new FakeRegistry('dst');
  });

  const copy = (digest: string) =>
    engine.copy({
      source: { registry: source, repository: 'app', digest },
      target: { registry: target, repository: 'app', tags: ['v1'] },
      options: { referrers: true, pinTag, concurrency: 1 },
    });

  it('tags the root, every platform manifest, every referrer and its children, after the referrers and before the tags', async () => {
    const { index, children } = addIndex(source, 'app', [linux('amd64'), linux('arm64')]);
    const sig = addReferrer(source, 'app', children[0]!, SIG);
    const attestationChild = addImage(source, 'app', [13], undefined, 'att');
    const attestations = addIndexReferrer(source, 'app', children[1]!, ATTESTATION, [
      attestationChild,
    ]);

    await copy(index.digest);

    const pinned = [index, ...children, sig, attestations, attestationChild];
    for (const manifest of pinned)
      expect(target.tags.get(`app:${pinTag(manifest.digest)}`)).toBe(manifest.digest);
    const writes = target.writes();
    const pinWrites = pinned.map((m) => writes.indexOf(`PUT manifest app:${pinTag(m.digest)}`));
    const lastReferrerWrite = Math.max(
      writes.indexOf(fallbackPut(children[0]!.digest)),
      writes.indexOf(fallbackPut(children[1]!.digest)),
    );
    expect(Math.min(...pinWrites)).toBeGreaterThan(lastReferrerWrite);
    expect(Math.max(...pinWrites)).toBeLessThan(writes.indexOf('PUT manifest app:v1'));
  });

  it('writes on a re-run only the pins that are missing', async () => {
    const image = addImage(source, 'app', [10]);
    const sig = addReferrer(source, 'app', image, SIG);
    await copy(image.digest);
    target.tags.delete(`app:${pinTag(sig.digest)}`);
    target.calls.length = 0;

    await copy(image.digest);

    expect(target.writes()).toEqual([`PUT manifest app:${pinTag(sig.digest)}`]);
  });
});
