import type { Descriptor, RawManifest } from './descriptor';
import type { OciRegistry } from './oci-registry';
import { RecentManifests } from './recent-manifests';
import { SharedReads } from './shared-reads';

/** Counts the reads that reach it; `failNext` makes the next manifest read fail once. */
function countingRegistry() {
  const calls: string[] = [];
  let failNext = false;
  const manifest = (reference: string): RawManifest => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: reference,
    bytes: Buffer.from(reference),
  });
  const registry = {
    name: 'ci',
    origin: 'http://ci.test',
    getManifest: (repository: string, reference: string) => {
      calls.push(`GET ${repository}@${reference}`);
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('reset'));
      }
      return Promise.resolve(manifest(reference));
    },
    referrers: (repository: string, digest: string, artifactType?: string) => {
      calls.push(`referrers ${repository}@${digest} ${artifactType ?? '*'}`);
      return Promise.resolve([] as Descriptor[]);
    },
    headManifest: (repository: string, reference: string) => {
      calls.push(`HEAD ${repository}@${reference}`);
      return Promise.resolve(undefined);
    },
  } as unknown as OciRegistry;
  return { registry, calls, failOnce: () => (failNext = true) };
}

describe('SharedReads', () => {
  it('asks the registry once for the same manifest, whether the callers come together or one after another', async () => {
    const { registry, calls } = countingRegistry();
    const shared = new SharedReads(registry);

    const [a, b] = await Promise.all([
      shared.getManifest('app', 'sha256:aa'),
      shared.getManifest('app', 'sha256:aa'),
    ]);
    const c = await shared.getManifest('app', 'sha256:aa');

    expect(calls).toEqual(['GET app@sha256:aa']);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('keeps different reads apart: another reference, repository or artifact type is asked for', async () => {
    const { registry, calls } = countingRegistry();
    const shared = new SharedReads(registry);

    await shared.getManifest('app', 'sha256:aa');
    await shared.getManifest('app', 'sha256:bb');
    await shared.getManifest('other', 'sha256:aa');
    await shared.referrers('app', 'sha256:aa');
    await shared.referrers('app', 'sha256:aa');
    await shared.referrers('app', 'sha256:aa', 'application/spdx+json');

    expect(calls).toEqual([
      'GET app@sha256:aa',
      'GET app@sha256:bb',
      'GET other@sha256:aa',
      'referrers app@sha256:aa *',
      'referrers app@sha256:aa application/spdx+json',
    ]);
  });

  it('does not keep a failed read: the next caller asks again', async () => {
    const { registry, calls, failOnce } = countingRegistry();
    const shared = new SharedReads(registry);
    failOnce();

    await expect(shared.getManifest('app', 'sha256:aa')).rejects.toThrow('reset');
    await expect(shared.getManifest('app', 'sha256:aa')).resolves.toMatchObject({
      digest: 'sha256:aa',
    });

    expect(calls).toEqual(['GET app@sha256:aa', 'GET app@sha256:aa']);
  });

  it('passes other operations through, every time', async () => {
    const { registry, calls } = countingRegistry();
    const shared = new SharedReads(registry);

    await shared.headManifest('app', 'v1');
    await shared.headManifest('app', 'v1');

    expect(calls).toEqual(['HEAD app@v1', 'HEAD app@v1']);
    expect([shared.name, shared.origin]).toEqual(['ci', 'http://ci.test']);
  });

  describe('with RecentManifests: one piece of work takes the manifest another just read by digest', () => {
    const A = `sha256:${'a'.repeat(64)}`;
    const B = `sha256:${'b'.repeat(64)}`;

    it('shares reads by digest across views, never reads by tag or referrers', async () => {
      const { registry, calls } = countingRegistry();
      const recent = new RecentManifests();
      const request = new SharedReads(registry, recent);
      await request.getManifest('app', A);
      await request.getManifest('app', 'v1');
      await request.referrers('app', A);

      const copy = new SharedReads(registry, recent);
      expect((await copy.getManifest('app', A)).digest).toBe(A);
      await copy.getManifest('app', 'v1');
      await copy.referrers('app', A);
      // Another repository is another question.
      await copy.getManifest('other', A);

      expect(calls).toEqual([
        `GET app@${A}`,
        'GET app@v1',
        `referrers app@${A} *`,
        'GET app@v1',
        `referrers app@${A} *`,
        `GET other@${A}`,
      ]);
    });

    it('forgets a manifest after its time, and the oldest first beyond its bytes', async () => {
      let now = 0;
      const raw = (digest: string, size: number): RawManifest => ({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest,
        bytes: Buffer.alloc(size),
      });
      const recent = new RecentManifests(1_000, 100, () => now);
      recent.put('http://ci.test', 'app', raw(A, 60));
      expect(recent.get('http://ci.test', 'app', A)?.digest).toBe(A);
      now = 1_001;
      expect(recent.get('http://ci.test', 'app', A)).toBeUndefined();

      recent.put('http://ci.test', 'app', raw(A, 60));
      recent.put('http://ci.test', 'app', raw(B, 60));
      expect(recent.get('http://ci.test', 'app', A)).toBeUndefined();
      expect(recent.get('http://ci.test', 'app', B)?.digest).toBe(B);
      // Nothing larger than the whole budget is kept.
      recent.put('http://ci.test', 'app', raw(A, 101));
      expect(recent.get('http://ci.test', 'app', A)).toBeUndefined();
      expect(recent.get('http://other.test', 'app', B)).toBeUndefined();
    });

    it('keeps no failed read', async () => {
      const { registry, calls, failOnce } = countingRegistry();
      const recent = new RecentManifests();
      failOnce();
      await expect(new SharedReads(registry, recent).getManifest('app', A)).rejects.toThrow(
        'reset',
      );
      await new SharedReads(registry, recent).getManifest('app', A);
      expect(calls).toEqual([`GET app@${A}`, `GET app@${A}`]);
    });
  });
});
