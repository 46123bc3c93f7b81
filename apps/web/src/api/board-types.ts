import type { components } from './schema';

type Schemas = components['schemas'];

/*
 * GET /api/v1/board. Written by hand while the route was being added; docs/openapi.json now
 * documents it, so these are the generated types under the names the UI uses:
 *
 *   { stages: Array<{ name, position, registries: string[], next: string | null,
 *       notice: string | null,             // why no image here has a readiness
 *       images: Array<{ image: ImageView; tags: Array<{ registry, repository, tag }>;
 *                       readiness: ReadinessView | null }>,   // against `next`
 *       nextCursor: string | null }> }
 */
export type Board = Schemas['BoardView'];
export type BoardStage = Schemas['BoardStageView'];
export type BoardImage = Schemas['BoardImageView'];
export type BoardTag = Schemas['ImageTagView'];
export type Readiness = Schemas['ReadinessView'];
