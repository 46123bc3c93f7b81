import type { components } from './schema';

type Schemas = components['schemas'];

/** GET /api/v1/board's parts, under the names the UI uses (generated from docs/openapi.json). */
export type Board = Schemas['BoardView'];
export type BoardStage = Schemas['BoardStageView'];
export type BoardImage = Schemas['BoardImageView'];
export type BoardTag = Schemas['ImageTagView'];
export type Readiness = Schemas['ReadinessView'];
