export { IntegrityModule, IntegrityWorkerModule } from './integrity.module';
export { IntegrityService } from './integrity.service';
export { IntegrityAudit } from './integrity-audit';
export {
  compareWithLedger,
  FINDING_KINDS,
  type Finding,
  type FindingKind,
  type LedgerExpectation,
  type RegistryObservation,
} from './integrity-comparison';
export {
  FINDING_STATUSES,
  RUN_STATUSES,
  RUN_TRIGGERS,
  type FindingStatus,
  type RunStatus,
  type RunTrigger,
} from './integrity.repository';
export {
  INTEGRITY_FINDINGS_LIMIT,
  INTEGRITY_RUN_PAGE_LIMIT,
  MAX_ACKNOWLEDGE_COMMENT_LENGTH,
  MAX_INTEGRITY_CURSOR_LENGTH,
  MAX_REGISTRY_NAME_LENGTH,
  type AcknowledgeRequest,
  type IntegrityFilters,
  type IntegrityRunQuery,
  type IntegrityRunRequest,
} from './integrity-rules';
export type {
  AcknowledgementView,
  FindingView,
  IntegrityOverview,
  IntegrityRunPage,
  IntegrityRunsQueued,
  IntegrityRunView,
} from './integrity-view';
