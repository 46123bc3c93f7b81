export { StagesModule } from './stages.module';
export { StagesService, type NewStageRequest, type StageUpdateRequest } from './stages.service';
export { MAX_STAGE_POSITION, STAGE_NAME_PATTERN } from './stage-rules';
export { toStageView, type StageView } from './stage-view';
