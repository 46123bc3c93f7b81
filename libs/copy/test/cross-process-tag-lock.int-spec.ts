import { SessionLocks } from '@airlock/persistence';
import type { OciRegistry, RegistryClient } from '@airlock/registry-client';
import {
  buildImage,
  buildSignature,
  connectTestPostgres,
  createTestDatabase,
  descriptorOf,
  ImagePusher,
  referrersFallbackTag,
  RegistryFixture,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { CrossProcessTagLock } from '../src/cross-process-tag-lock';

type CopyLibrary = typeof import('../src/index');

/**
 * Two worker processes listing a referrer of the same subject in the same repository at once
 * (distribution 2.8: the `sha256-<hex>` fallback index is read, merged and rewritten). Each
 * "process" here is a copy of the library of its own (jest.isolateModules), so the in-process
 * queue of serializeTagUpdate cannot order them; the registry is real, and its index write is held
 * back long enough that both have read before either writes.
 */
describe('updates of one tag from two processes', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let registry: RegistryFixture;
  let pusher: ImagePusher;
  const repository = 'team/signed';

  beforeAll(async () => {
    db = await createTestDatabase('cross_process_tag_lock');
    pg = await connectTestPostgres(db.url, { max: 4 });
    registry = await RegistryFixture.start({ name: 'tag-lock' });
    pusher = new ImagePusher({ url: registry.url });
  });

  afterAll(async () => {
    pusher?.close();
    await registry?.stop();
    await pg?.close();
    await db?.drop();
  });

  /**
   * A process: its own copies of the library and of the registry client (its own module
   * instances, so its own queue per tag and its own error classes), and its registry client with
   * every write of `tag` held back for `ms`.
   */
  interface Process {
    library: CopyLibrary;
    slowAt(tag: string, ms: number): OciRegistry;
  }
  const aProcess = (): Process => {
    let library!: CopyLibrary;
    let client!: typeof RegistryClient;
    jest.isolateModules(() => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      library = require('../src/index') as CopyLibrary;
      client = (require('@airlock/registry-client') as { RegistryClient: typeof RegistryClient })
        .RegistryClient;
      /* eslint-enable @typescript-eslint/no-require-imports */
    });
    const slowAt = (tag: string, ms: number): OciRegistry => {
      const registryClient = new client({ name: 'tag-lock', url: registry.url });
      const putManifest = registryClient.putManifest.bind(registryClient);
      registryClient.putManifest = async (repo, reference, manifest) => {
        if (reference === tag) await new Promise((resolve) => setTimeout(resolve, ms));
        return putManifest(repo, reference, manifest);
      };
      return registryClient;
    };
    return { library, slowAt };
  };

  /** A subject and two signatures of it, pushed. */
  const pushed = async () => {
    const subject = buildImage({ layers: [{ size: 512 }] });
    await pusher.push(repository, subject);
    const signatures = [buildSignature(subject), buildSignature(subject)];
    for (const signature of signatures) await pusher.push(repository, signature);
    return { subject, referrers: signatures.map(descriptorOf) };
  };

  const listed = async (subject: string): Promise<string[]> => {
    const index = await pusher.getReferrersIndex(repository, subject);
    expect(index).toBeDefined();
    return index!.manifests.map((m) => m.digest).sort();
  };

  const bothAtOnce = async (processes: Process[]) => {
    const { subject, referrers } = await pushed();
    const tag = referrersFallbackTag(subject.digest);
    await Promise.all(
      processes.map(({ library, slowAt }, i) =>
        library.linkReferrers({ registry: slowAt(tag, 300), repository }, subject.digest, [
          referrers[i]!,
        ]),
      ),
    );
    return { listed: await listed(subject.digest), expected: referrers.map((r) => r.digest) };
  };

  it('without a cross-process lock, the slower write drops the other entry (the race is real)', async () => {
    const outcome = await bothAtOnce([aProcess(), aProcess()]);
    expect(outcome.listed).toHaveLength(1);
  });

  it('with CrossProcessTagLock (a Postgres session lock per tag), both entries stay', async () => {
    const processes = [aProcess(), aProcess()];
    for (const { library } of processes) {
      // Each process's own lock, on sessions of its own.
      const lock = new CrossProcessTagLock(new SessionLocks(pg.database, pg.transactions));
      library.useTagUpdateLock(lock);
    }
    const outcome = await bothAtOnce(processes);
    expect(outcome.listed).toEqual([...outcome.expected].sort());
  });
});
