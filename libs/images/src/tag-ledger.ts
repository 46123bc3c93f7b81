import { AirlockError } from '@airlock/errors';
import type { Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { BaseDriftService } from './base-drift.service';
import {
  TagLedgerRepository,
  type RecordedTagRow,
  type RegistryTagEntry,
  type RegistryTagRow,
  type TagKey,
} from './tag-ledger.repository';

/** The registry a tag lives in: its id (the rows' key), its name and URL (the tag's image name). */
export interface TagRegistry {
  id: string;
  name: string;
  url: string;
}

/** Where tags live: a repository of a registry Airlock knows. */
export interface TagPlace {
  registry: TagRegistry;
  repository: string;
}

export interface RecordOptions {
  /**
   * Copies of the same tags written with them (the Archive's copy of an upstream tag): recorded
   * too, and named in the event, since builds may name the copy instead.
   */
  copies?: TagPlace[];
  /** What the tag pointed at before as the caller knows it (a mirror's archive history), over the recorded row. */
  previousDigest?: string | null;
}

/** What writing a tag did: `previousDigest` null for a new tag, equal to `digest` when unchanged. */
export interface TagMove {
  registryId: string;
  repository: string;
  tag: string;
  digest: string;
  previousDigest: string | null;
}

/** A tag a promotion holds while it is queued or running. */
export type TagClaim = TagKey;

/** A tag another active promotion holds for another digest. */
export interface ClaimConflict extends TagClaim {
  registry: string;
  digest: string;
  promotionId: string;
}

/** Rounds of "insert, else read the holder" when the holder keeps changing between the two. */
const MAX_CLAIM_ROUNDS = 5;

/**
 * The ledger of tags: where each tag of a registry points as Airlock last wrote or resolved it
 * (`registry_tags`), and which active promotion holds which tag (`promotion_tag_claims`). The only
 * writer of both. Recording a tag that moved is what announces base drift: `base-image.updated`
 * for the images built on the tag's previous digest, in the same transaction.
 */
@Injectable()
export class TagLedger {
  constructor(
    private readonly tags: TagLedgerRepository,
    private readonly drift: BaseDriftService,
  ) {}

  /**
   * Points `tags` of `place` (and of its copies) at `digest`; for each tag that moved, publishes
   * `base-image.updated` when images declare it as their base. Answers the moves at `place`.
   */
  async record(
    place: TagPlace,
    tags: readonly string[],
    digest: string,
    tx: Transaction,
    options: RecordOptions = {},
  ): Promise<TagMove[]> {
    const moves: TagMove[] = [];
    for (const tag of tags) {
      const key = { registryId: place.registry.id, repository: place.repository, tag };
      const previous = await this.tags.upsertTag(key, digest, tx);
      const copies = options.copies ?? [];
      for (const copy of copies)
        await this.tags.upsertTag(
          { registryId: copy.registry.id, repository: copy.repository, tag },
          digest,
          tx,
        );
      const move = { ...key, digest, previousDigest: options.previousDigest ?? previous };
      await this.drift.tagMoved(
        {
          base: BaseDriftService.locationOf(place.registry, place.repository, tag),
          archive: copies.map((c) => BaseDriftService.locationOf(c.registry, c.repository, tag)),
          digest,
          previousDigest: move.previousDigest,
        },
        tx,
      );
      moves.push(move);
    }
    return moves;
  }

  /** Tags pointing at `digest` now, in any registry. */
  pointingAt(digest: string): Promise<RegistryTagRow[]> {
    return this.tags.pointingAt(digest);
  }

  /** The recorded tags that point at any of these digests. */
  pointingAtAny(digests: string[]): Promise<RegistryTagRow[]> {
    return this.tags.pointingAtAny(digests);
  }

  /** Every tag Airlock recorded in the registry: what it wrote (promotions) or resolved there. */
  inRegistry(registryId: string): Promise<RegistryTagEntry[]> {
    return this.tags.inRegistry(registryId);
  }

  /** What these registries' `tags` of `repository` point at as recorded (tag → digest). */
  recorded(registryIds: string[], repository: string, tags: string[]): Promise<RecordedTagRow[]> {
    return this.tags.recorded(registryIds, repository, tags);
  }

  /**
   * Claims the tags for `promotionId`, in `tx` (the promotion's own transaction). A claim held
   * for another digest stays and is answered as a conflict; one held for the same digest passes
   * to this promotion. A claim row always belongs to an active promotion: claims are released in
   * the transaction that finishes their promotion (`release`), so a claim is never asked whose
   * promotion is still running.
   *
   * Why two statements: under READ COMMITTED, `INSERT … ON CONFLICT` waits for a concurrent
   * claimer's commit and then sees its claim row; what the holder is, is read by the next
   * statement, whose snapshot includes that commit. A holder gone between the two (released)
   * means the insert is tried again — a bounded number of times.
   */
  async claim(
    promotionId: string,
    digest: string,
    claims: TagClaim[],
    tx: Transaction,
  ): Promise<ClaimConflict[]> {
    const conflicts: ClaimConflict[] = [];
    // One order for every claimer, so two requests claiming the same tags cannot deadlock.
    const ordered = [...claims].sort((a, b) =>
      `${a.registryId}/${a.repository}:${a.tag}`.localeCompare(
        `${b.registryId}/${b.repository}:${b.tag}`,
      ),
    );
    for (const claim of ordered) {
      const holder = await this.claimOne(promotionId, digest, claim, tx);
      if (holder) conflicts.push({ ...claim, ...holder });
    }
    return conflicts;
  }

  /** Gives up every claim of the promotion: in the transaction that settles or cancels it. */
  async release(promotionId: string, tx: Transaction): Promise<void> {
    await this.tags.releaseClaims(promotionId, tx);
  }

  /** The holder of another digest that keeps `claim` from this promotion, or null when it is ours now. */
  private async claimOne(
    promotionId: string,
    digest: string,
    claim: TagClaim,
    tx: Transaction,
  ): Promise<Omit<ClaimConflict, keyof TagClaim> | null> {
    for (let round = 1; round <= MAX_CLAIM_ROUNDS; round++) {
      if (await this.tags.takeClaim(claim, digest, promotionId, tx)) return null;
      const holder = await this.tags.claimHolder(claim, tx);
      // Released meanwhile, or passed to a promotion of our digest: the insert decides again.
      if (holder && holder.digest !== digest) return holder;
    }
    throw new AirlockError(
      'CONFLICT',
      `The claim on ${claim.repository}:${claim.tag} changed hands while this request read it; try again`,
      { details: { repository: claim.repository, tag: claim.tag } },
    );
  }
}
