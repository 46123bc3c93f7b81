import { AirlockError } from '@airlock/errors';
import { ImagesService, type ImageTagView, type ImageView } from '@airlock/images';
import { PoliciesService, ReadinessService, type PolicyEvaluation } from '@airlock/policies';
import { StagesService, type StageView } from '@airlock/stages';
import { readQuery } from '@airlock/validation';
import { Injectable } from '@nestjs/common';

/** Images per stage on the board: the default, and the most one request may ask for. */
export const BOARD_LIMIT = { default: 50, max: 200 } as const;

/** An image in a stage, with where it stands against the next stage's policy. */
export interface BoardImage {
  image: ImageView;
  /** Tags of its repository recorded as pointing at its digest, in every registry. */
  tags: ImageTagView[];
  /** Against the next stage's policy, from the ledger; null when there is none to hold it to. */
  readiness: PolicyEvaluation | null;
}

export interface BoardStage {
  name: string;
  position: number;
  registries: string[];
  /** The stage after this one in pipeline order, or null for the last. */
  next: string | null;
  /** Why `readiness` is null for every image here (no next stage, or it has no policy yet). */
  notice: string | null;
  /** Newest first, at most `limit`. */
  images: BoardImage[];
  /** More images are in this stage: `GET /api/v1/images?stage=…&cursor=…` pages on. */
  nextCursor: string | null;
}

export interface Board {
  stages: BoardStage[];
}

/**
 * `GET /api/v1/board`: every stage in pipeline order with its newest images, each held against
 * the next stage's policy — the page people decide from, in one request. Three features' answers
 * side by side (stages, images, policies); none reads another's rows.
 */
@Injectable()
export class BoardComposer {
  constructor(
    private readonly stages: StagesService,
    private readonly images: ImagesService,
    private readonly policies: PoliciesService,
    private readonly readiness: ReadinessService,
  ) {}

  /** `query` as the request sent it. */
  async board(query: unknown): Promise<Board> {
    const { limit } = readBoardQuery(query);
    const stages = [...(await this.stages.list())].sort((a, b) => a.position - b.position);
    return {
      stages: await Promise.all(
        stages.map((stage, i) => this.column(stage, stages[i + 1] ?? null, limit)),
      ),
    };
  }

  private async column(
    stage: StageView,
    next: StageView | null,
    limit: number,
  ): Promise<BoardStage> {
    const page = await this.images.list({ stage: stage.name, limit: String(limit) });
    const [tags, readiness] = await Promise.all([
      this.images.tagsOf(page.items),
      this.standing(page.items, stage.name, next),
    ]);
    return {
      name: stage.name,
      position: stage.position,
      registries: stage.registries,
      next: next?.name ?? null,
      notice: readiness.notice,
      images: page.items.map((image, i) => ({
        image,
        tags: tags.get(image.id) ?? [],
        readiness: readiness.evaluations[i] ?? null,
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** Each image's readiness for `next`, coming from `source`; a notice instead when there is none. */
  private async standing(
    images: ImageView[],
    source: string,
    next: StageView | null,
  ): Promise<{ evaluations: Array<PolicyEvaluation | null>; notice: string | null }> {
    if (!next) return { evaluations: [], notice: 'The last stage: nothing comes after it.' };
    if (!(await this.hasPolicy(next.name)))
      return {
        evaluations: [],
        notice: `Stage "${next.name}" has no policy yet: nothing is held against it.`,
      };
    const digests = [...new Set(images.map((image) => image.digest))];
    const assessed = await this.readiness.assessMany(digests, { stage: next.name, source });
    const byDigest = new Map(digests.map((digest, i) => [digest, assessed[i]!.evaluation]));
    return { evaluations: images.map((image) => byDigest.get(image.digest)!), notice: null };
  }

  private async hasPolicy(stage: string): Promise<boolean> {
    try {
      await this.policies.forStage(stage);
      return true;
    } catch (error) {
      if (error instanceof AirlockError && error.code === 'NOT_FOUND') return false;
      throw error;
    }
  }
}

export function readBoardQuery(query: unknown): { limit: number } {
  return readQuery(query, (r) => ({
    limit: r.integer('limit', { min: 1, max: BOARD_LIMIT.max }) ?? BOARD_LIMIT.default,
  }));
}
