import type { components } from './api-types';

/**
 * The answers the CLI reads, as the OpenAPI document describes them (api-types.ts is generated
 * from it by `npm run openapi`): an API change that breaks the CLI breaks its typecheck.
 */
type Schemas = components['schemas'];

export type PromotionAnswer = Schemas['PromotionDto'];
export type PromotionTargetAnswer = Schemas['PromotionTargetDto'];
export type ProgressAnswer = Schemas['ProgressDto'];
export type DryRunAnswer = Schemas['DryRunDto'];
export type ReadinessAnswer = Schemas['ReadinessView'];
export type ViolationAnswer = Schemas['PolicyViolationView'];
export type ImageAnswer = Schemas['ImageView'];
export type GateResultAnswer = Schemas['GateResultView'];
