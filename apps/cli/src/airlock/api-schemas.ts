import type { components } from './api-types';

/**
 * The answers the CLI reads (and the bodies it sends), as the OpenAPI document describes them
 * (api-types.ts is generated from it by `npm run openapi`): an API change that breaks the CLI
 * breaks its typecheck.
 */
type Schemas = components['schemas'];

export type PromotionAnswer = Schemas['PromotionView'];
export type PromotionTargetAnswer = Schemas['PromotionTargetView'];
export type ProgressAnswer = Schemas['PromotionProgressView'];
export type DryRunAnswer = Schemas['DryRunView'];
export type ReadinessAnswer = Schemas['ReadinessView'];
export type ViolationAnswer = Schemas['PolicyViolationView'];
export type ImageAnswer = Schemas['ImageView'];
export type GateResultAnswer = Schemas['GateResultView'];
export type ReleaseAnswer = Schemas['ReleaseView'];
export type ReleaseDryRunAnswer = Schemas['ReleaseDryRunView'];
export type ReleaseRequestBody = Schemas['RequestReleaseBody'];
