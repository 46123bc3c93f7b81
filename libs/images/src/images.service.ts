import { AuditService, type AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import { EventsService } from '@airlock/events';
import { GatesService } from '@airlock/gates';
import { TransactionRunner, type Transaction } from '@airlock/persistence';
import { RegistriesService, RegistryClientFactory } from '@airlock/registries';
import { canonicalImageName } from '@airlock/registry-client';
import { encodeCursor } from '@airlock/validation';
import { Injectable } from '@nestjs/common';
import { ImageReader, type ImageFacts } from './image-reader';
import {
  readImageDigest,
  readImageListQuery,
  readImageShowQuery,
  readRegisterImage,
  type RegisterImageRequest,
} from './image-rules';
import { ImageRepository, type LocatedImage, type NewImage } from './image.repository';
import {
  toImageDetail,
  toImageView,
  type ImageDetailView,
  type ImageLookup,
  type ImagePage,
  type ImageTagView,
  type ImageView,
} from './image-view';
import { TagLedger } from './tag-ledger';

/** How a registration came about, for callers other than `POST /api/v1/images`. */
export interface RegisterOptions {
  /**
   * Tags the registry itself reported pointing at the digest (a push notification names the tag
   * it was pushed under): recorded as they are, without resolving. For digest registrations.
   */
  observedTags?: string[];
  /** Recorded in the `image.registered` audit entry, e.g. `notification`. */
  source?: string;
}

const LOOKUP_HISTORY = 20;

/**
 * Images: registration (the registry is read outside any transaction, then one short transaction
 * writes), the list and the lookup by digest. Takes requests as they came (the one owner of their
 * validation) and is how other features learn about images.
 */
@Injectable()
export class ImagesService {
  constructor(
    private readonly images: ImageRepository,
    private readonly tags: TagLedger,
    private readonly registries: RegistriesService,
    private readonly clients: RegistryClientFactory,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly gates: GatesService,
    private readonly events: EventsService,
  ) {}

  /**
   * `input`: registry, repository, exactly one of tag and digest, build. Idempotent per
   * (repository, digest): `created` is false when the image was already known.
   */
  async register(
    input: unknown,
    actor: AuditActor,
    options: RegisterOptions = {},
  ): Promise<{ image: ImageView; created: boolean }> {
    const observedTags = options.observedTags ?? [];
    const request = readRegisterImage(input, observedTags);
    const registry = await this.registries.require(request.registry);
    const reader = new ImageReader(this.clients.clientFor(registry), registry.name);
    const digest = request.digest ?? (await reader.resolveTag(request.repository, request.tag!));
    const facts = await reader.read(request.repository, digest);
    const tags = request.tag === undefined ? observedTags : [request.tag];
    return this.transactions.run(async (tx) => {
      const { row, created } = await this.images.insertIfAbsent(
        newImage(request, facts, actor),
        tx,
      );
      await this.images.upsertLocation(row.id, registry.id, request.repository, tx);
      // A registered image can be a base too (a company base image built by CI).
      await this.tags.record({ registry, repository: request.repository }, tags, digest, tx);
      const image = toImageView(row);
      if (created) {
        await this.gates.notePrincipal(digest, actor.tokenId, 'registered', tx);
        const after = {
          ...image,
          registry: registry.name,
          tag: tags[0] ?? null,
          ...(options.source === undefined ? {} : { source: options.source }),
        };
        await this.audit.record(
          { actor, action: 'image.registered', subject: { type: 'image', id: row.id }, after },
          tx,
        );
        await this.events.publish('image.registered', after, tx);
      }
      return { image, created };
    });
  }

  /** Newest first, keyset-paged on (created_at, id); `query` as the request sent it. */
  async list(query: unknown = {}): Promise<ImagePage> {
    const { limit, ...filter } = readImageListQuery(query);
    // One row more than asked tells whether another page exists without a count.
    const rows = await this.images.list({ ...filter, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toImageView),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAtKey, last.id) : null,
    };
  }

  /**
   * What images know about a digest: the image in each repository (locations, tags) and its gate
   * ledger (the newest result per gate and the recent history). `query` may name the one
   * `repository`. (The image's page adds its promotions, which are the promotions feature's.)
   */
  async lookup(digest: unknown, query: unknown = {}): Promise<ImageLookup> {
    const checked = readImageDigest(digest);
    const items = await this.details(checked, readImageShowQuery(query).repository);
    const [latest, history] = await Promise.all([
      this.gates.latest(checked),
      this.gates.history(checked, { limit: LOOKUP_HISTORY }),
    ]);
    return { digest: checked, items, gates: { latest, history } };
  }

  /** The images of these (repository, digest) pairs on record, for features that refer to images. */
  async findMany(
    pairs: ReadonlyArray<{ repository: string; digest: string }>,
  ): Promise<ImageView[]> {
    return (await this.images.byRepositoryDigests(pairs)).map(toImageView);
  }

  /**
   * The recorded tags of each image (by image id): tags of its repository that point at its
   * digest, in every registry. One read for the lot.
   */
  async tagsOf(images: ImageView[]): Promise<Map<string, ImageTagView[]>> {
    const rows = await this.tags.pointingAtAny([...new Set(images.map((i) => i.digest))]);
    return new Map(
      images.map((image) => [
        image.id,
        rows
          .filter((t) => t.digest === image.digest && t.repository === image.repository)
          .map((t) => ({ registry: t.registry, repository: t.repository, tag: t.tag })),
      ]),
    );
  }

  /** The image was seen at (registry, repository) now: a promotion landed it there. */
  async recordLocation(
    imageId: string,
    registryId: string,
    repository: string,
    tx: Transaction,
  ): Promise<void> {
    await this.images.upsertLocation(imageId, registryId, repository, tx);
  }

  /**
   * Every (repository, digest) recorded in the registry: registered there or landed there by a
   * promotion. The integrity audit's "Airlock knows this digest here".
   */
  locatedIn(registryId: string): Promise<LocatedImage[]> {
    return this.images.locatedIn(registryId);
  }

  /** Every registered image with this digest (one per repository), with locations and tags. */
  private async details(digest: string, repository?: string): Promise<ImageDetailView[]> {
    const rows = await this.images.byDigest(digest, repository);
    if (rows.length === 0) {
      const where = repository === undefined ? '' : ` in repository "${repository}"`;
      throw new AirlockError('NOT_FOUND', `No image ${digest}${where} is registered`, {
        details: { digest, repository },
      });
    }
    const [locations, tags] = await Promise.all([
      this.images.locationsOf(rows.map((r) => r.id)),
      this.tags.pointingAt(digest),
    ]);
    return rows.map((row) => toImageDetail(row, locations, tags));
  }
}

function newImage(request: RegisterImageRequest, facts: ImageFacts, actor: AuditActor): NewImage {
  return {
    repository: request.repository,
    digest: facts.digest,
    mediaType: facts.mediaType,
    size: facts.size,
    platforms: facts.platforms as unknown as Array<Record<string, unknown>>,
    annotations: facts.annotations,
    baseName: facts.baseName,
    baseDigest: facts.baseDigest,
    baseRef: facts.baseName === null ? null : (canonicalImageName(facts.baseName) ?? null),
    childDigests: facts.childDigests,
    build: { ...request.build },
    registeredBy: actor.tokenId,
  };
}
