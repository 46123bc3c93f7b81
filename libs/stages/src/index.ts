export { StagesModule } from './stages.module';
export { StagesService } from './stages.service';
export {
  MAX_STAGE_POSITION,
  MAX_STAGE_REGISTRIES,
  STAGE_NAME_PATTERN,
  type NewStageRequest,
  type StageUpdateRequest,
} from './stage-rules';
export { toStageView, type StageView } from './stage-view';
