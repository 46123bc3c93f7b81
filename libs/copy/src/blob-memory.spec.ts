import type { PushOutcome } from '@airlock/registry-client';
import { addImage } from '../test/fake-content';
import { FakeRegistry } from '../test/fake-registry';
import type { BlobLocation, BlobLocations } from './blob-locations';
import { CopyEngine } from './copy-engine';
import { RegistryLimiter } from './registry-limiter';

/** BlobLocations in a Map, as the Postgres one behaves: newest first, forget removes one. */
class MemoryLocations implements BlobLocations {
  readonly held = new Map<string, string[]>(); // `${origin} ${digest}` → repositories
  readonly forgotten: string[] = [];

  async find(origin: string, digests: string[]): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    for (const digest of digests) {
      const repos = this.held.get(`${origin} ${digest}`);
      if (repos?.length) found.set(digest, [...repos]);
    }
    return found;
  }

  async remember(origin: string, locations: BlobLocation[]): Promise<void> {
    for (const { digest, repository } of locations) {
      const key = `${origin} ${digest}`;
      const repos = (this.held.get(key) ?? []).filter((r) => r !== repository);
      this.held.set(key, [repository, ...repos]);
    }
  }

  async forget(origin: string, { digest, repository }: BlobLocation): Promise<void> {
    this.forgotten.push(`${repository}@${digest}`);
    const key = `${origin} ${digest}`;
    this.held.set(
      key,
      (this.held.get(key) ?? []).filter((r) => r !== repository),
    );
  }
}

/** A registry whose uploads wait until `release()` (later ones do not), so copies overlap. */
class SlowUploads extends FakeRegistry {
  private readonly waiting: Array<() => void> = [];
  private held = true;
  uploadsStarted = 0;

  override async pushBlob(...args: Parameters<FakeRegistry['pushBlob']>): Promise<PushOutcome> {
    this.uploadsStarted++;
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return super.pushBlob(...args);
  }

  release(): void {
    this.held = false;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

const pushes = (registry: FakeRegistry) => registry.calls.filter((c) => c.startsWith('PUSH blob'));
const sourceReads = (registry: FakeRegistry) =>
  registry.calls.filter((c) => c.startsWith('GET blob'));

describe('a byte moves into a registry once (remembered locations, one upload per blob)', () => {
  let source: FakeRegistry;
  let locations: MemoryLocations;

  beforeEach(() => {
    source = new FakeRegistry('ci');
    locations = new MemoryLocations();
  });

  it('mounts a blob another repository of the target received in an earlier copy', async () => {
    const target = new FakeRegistry('prod');
    const engine = new CopyEngine(new RegistryLimiter(), locations);
    const first = addImage(source, 'svc-a', [100, 10], undefined, 'base');
    const second = addImage(source, 'svc-b', [100, 11], undefined, 'base');
    await engine.copy({
      source: { registry: source, repository: 'svc-a', digest: first.digest },
      target: { registry: target, repository: 'svc-a' },
    });
    source.calls.length = 0;
    const result = await engine.copy({
      source: { registry: source, repository: 'svc-b', digest: second.digest },
      target: { registry: target, repository: 'svc-b' },
    });
    // The base layer and the config are shared: mounted from svc-a; only the own layer streams.
    expect(result.blobs).toMatchObject({ copied: 1, mounted: 2, skipped: 0, bytesCopied: 11 });
    expect(sourceReads(source)).toHaveLength(1);
    for (const [key, bytes] of source.blobs)
      if (key.startsWith('svc-b@')) expect(target.blobs.get(key)).toEqual(bytes);
  });

  it('mounts what this process just uploaded, before any location store knows of it', async () => {
    const target = new FakeRegistry('prod');
    const engine = new CopyEngine(); // no BlobLocations at all
    const first = addImage(source, 'svc-a', [100, 10], undefined, 'base');
    const second = addImage(source, 'svc-b', [100, 11], undefined, 'base');
    for (const [repo, image] of [
      ['svc-a', first],
      ['svc-b', second],
    ] as const)
      await engine.copy({
        source: { registry: source, repository: repo, digest: image.digest },
        target: { registry: target, repository: repo },
      });
    expect(pushes(target)).toHaveLength(3 + 1);
    expect(
      target.calls.filter((c) => c.startsWith('MOUNT') && c.endsWith('from svc-a')),
    ).toHaveLength(2);
  });

  it('forgets a remembered location the registry no longer holds, and streams the blob', async () => {
    const target = new FakeRegistry('prod');
    const engine = new CopyEngine(new RegistryLimiter(), locations);
    const image = addImage(source, 'svc-a', [100], undefined, 'base');
    const layer = [...source.blobs.entries()].find(([, bytes]) => bytes.length === 100)!;
    const digest = layer[0].replace('svc-a@', '');
    await locations.remember(target.origin, [{ digest, repository: 'gone' }]);

    const result = await engine.copy({
      source: { registry: source, repository: 'svc-a', digest: image.digest },
      target: { registry: target, repository: 'svc-a' },
    });
    expect(target.calls).toContain(`MOUNT blob svc-a@${digest} from gone`);
    expect(locations.forgotten).toEqual([`gone@${digest}`]);
    expect(result.blobs).toMatchObject({ copied: 2, mounted: 0 });
    expect(target.blobs.get(`svc-a@${digest}`)).toEqual(layer[1]);
    // What landed is remembered for the next copy.
    expect((await locations.find(target.origin, [digest])).get(digest)).toEqual(['svc-a']);
  });

  it('copies running together share one upload of a blob they both need', async () => {
    const target = new SlowUploads('prod');
    // Slots enough for every blob of the three copies: uploads held open keep theirs.
    const engine = new CopyEngine(new RegistryLimiter(16), locations);
    const images = ['svc-a', 'svc-b', 'svc-c'].map((repo, i) =>
      addImage(source, repo, [100, 10 + i], undefined, 'base'),
    );
    const copies = images.map((image, i) =>
      engine.copy({
        source: { registry: source, repository: `svc-${'abc'[i]}`, digest: image.digest },
        target: { registry: target, repository: `svc-${'abc'[i]}` },
      }),
    );
    // Every upload that will start without the others' help has started; give others a chance.
    while (target.uploadsStarted < 2 + 3) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    target.release();
    const results = await Promise.all(copies);

    // config and base layer once each, plus one own layer per service
    expect(pushes(target)).toHaveLength(2 + 3);
    expect(results.map((r) => r.blobs.copied + r.blobs.mounted + r.blobs.skipped)).toEqual([
      3, 3, 3,
    ]);
    for (const result of results) expect(result.blobs.copied).toBeGreaterThanOrEqual(1);
  });
});
