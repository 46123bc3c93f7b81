import type { EventsService } from '@airlock/events';
import { TransactionRunner } from '@airlock/persistence';
import type { RegistriesService } from '@airlock/registries';
import {
  connectTestPostgres,
  createTestDatabase,
  type TestDatabase,
  type TestPostgres,
} from '@airlock/testing';
import { BaseDriftService } from '../src/base-drift.service';
import { DriftRepository } from '../src/drift.repository';
import type { BaseUpdatedEvent } from '../src/drift-view';
import { ImageRepository } from '../src/image.repository';
import { TagLedger, type TagPlace, type TagRegistry } from '../src/tag-ledger';
import { TagLedgerRepository } from '../src/tag-ledger.repository';
import { digestOf, Seed } from './seed';

/** What the ledger published, in the transaction it was handed (an outbox stand-in). */
class PublishedEvents {
  readonly events: Array<{ type: string; data: BaseUpdatedEvent }> = [];

  asService(): EventsService {
    return {
      publish: (type: string, data: BaseUpdatedEvent) => {
        this.events.push({ type, data });
        return Promise.resolve({});
      },
    } as unknown as EventsService;
  }
}

/**
 * Recording tags against real Postgres: the rows it writes, and the rule that a tag which moved
 * announces `base-image.updated` for the images built FROM its previous digest, and nothing else.
 */
describe('TagLedger.record', () => {
  let db: TestDatabase;
  let pg: TestPostgres;
  let ledger: TagLedger;
  let transactions: TransactionRunner;
  let published: PublishedEvents;
  let hub: TagRegistry;
  let archive: TagRegistry;
  const [OLD, NEW, NEWER] = [digestOf('base 1'), digestOf('base 2'), digestOf('base 3')];

  beforeAll(async () => {
    db = await createTestDatabase('tag_ledger');
    pg = await connectTestPostgres(db.url);
    const database = pg.database;
    published = new PublishedEvents();
    const drift = new BaseDriftService(
      new DriftRepository(database),
      {} as RegistriesService,
      published.asService(),
    );
    ledger = new TagLedger(new TagLedgerRepository(database), drift);
    transactions = pg.transactions;
    const seed = new Seed(pg);
    hub = await seed.registry('hub', 'https://registry-1.docker.io');
    archive = await seed.registry('archive', 'http://127.0.0.1:5000');
    const images = new ImageRepository(database);
    for (const [repository, baseName, baseDigest] of [
      ['team/app', 'alpine:3.20', OLD],
      ['team/mirrored', '127.0.0.1:5000/mirror/alpine:3.20', OLD],
      ['team/fresh', 'alpine:3.20', NEW],
    ] as const)
      await images.insertIfAbsent({
        repository,
        digest: digestOf(repository),
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        size: 1,
        platforms: [],
        annotations: {},
        baseName,
        baseDigest,
        baseRef: baseName.startsWith('alpine')
          ? 'docker.io/library/alpine:3.20'
          : '127.0.0.1:5000/mirror/alpine:3.20',
        build: { commit: repository },
        registeredBy: null,
        childDigests: [],
      });
  });

  afterAll(async () => {
    await pg?.close();
    await db?.drop();
  });

  beforeEach(() => published.events.splice(0));

  const upstream: () => TagPlace = () => ({ registry: hub, repository: 'library/alpine' });
  const record = (digest: string, place = upstream(), copies: TagPlace[] = []) =>
    transactions.run((tx) => ledger.record(place, ['3.20'], digest, tx, { copies }));

  it('a new tag and an unmoved one publish nothing; the moves say so', async () => {
    expect(await record(OLD)).toEqual([
      {
        registryId: hub.id,
        repository: 'library/alpine',
        tag: '3.20',
        digest: OLD,
        previousDigest: null,
      },
    ]);
    expect((await record(OLD))[0]!.previousDigest).toBe(OLD);
    expect(published.events).toEqual([]);
  });

  it('a moved tag publishes base-image.updated naming the images built on another digest', async () => {
    const [move] = await record(NEW);
    expect(move!.previousDigest).toBe(OLD);
    expect(published.events).toEqual([
      {
        type: 'base-image.updated',
        data: {
          base: {
            name: 'docker.io/library/alpine:3.20',
            registry: 'hub',
            repository: 'library/alpine',
            tag: '3.20',
            digest: NEW,
            previousDigest: OLD,
          },
          archive: [],
          // team/fresh was built on NEW already; team/mirrored names the Archive's copy.
          dependents: [
            expect.objectContaining({
              repository: 'team/app',
              baseName: 'alpine:3.20',
              baseDigest: OLD,
              build: { commit: 'team/app' },
            }),
          ],
        },
      },
    ]);
    const rows = await pg.query(`SELECT digest FROM registry_tags WHERE tag = '3.20'`);
    expect(rows).toEqual([{ digest: NEW }]);
  });

  it('records the copies too and names them in the event; the caller may say what the tag pointed at', async () => {
    const copy: TagPlace = { registry: archive, repository: 'mirror/alpine' };
    await transactions.run((tx) =>
      ledger.record(upstream(), ['3.20'], NEWER, tx, { copies: [copy], previousDigest: OLD }),
    );
    const [event] = published.events;
    expect(event!.data.base).toMatchObject({ digest: NEWER, previousDigest: OLD });
    expect(event!.data.archive).toEqual([
      {
        name: '127.0.0.1:5000/mirror/alpine:3.20',
        registry: 'archive',
        repository: 'mirror/alpine',
        tag: '3.20',
        reference: '127.0.0.1:5000/mirror/alpine:3.20',
      },
    ]);
    expect(event!.data.dependents.map((d) => d.repository).sort()).toEqual([
      'team/app',
      'team/fresh',
      'team/mirrored',
    ]);
    const rows = await pg.query(
      `SELECT repository, digest FROM registry_tags WHERE tag = '3.20' ORDER BY repository`,
    );
    expect(rows).toEqual([
      { repository: 'library/alpine', digest: NEWER },
      { repository: 'mirror/alpine', digest: NEWER },
    ]);
  });

  it('a moved tag nobody builds on publishes nothing; a rolled-back record leaves the tag as it was', async () => {
    const other: TagPlace = { registry: hub, repository: 'library/debian' };
    await record(OLD, other);
    await record(NEW, other);
    expect(published.events).toEqual([]);
    const failed = await transactions
      .run(async (tx) => {
        await ledger.record(upstream(), ['3.20'], OLD, tx);
        throw new Error('the landing failed');
      })
      .catch((error: Error) => error.message);
    expect(failed).toBe('the landing failed');
    expect(
      await pg.query(`SELECT digest FROM registry_tags WHERE repository = 'library/alpine'`),
    ).toEqual([{ digest: NEWER }]);
  });
});
