export {
  AuditChain,
  CHAIN_PAGE,
  GENESIS_HASH,
  type AuditChainReport,
  type ChainBreak,
} from './audit-chain';
export {
  AUDIT_ACTION_PATTERN,
  AUDIT_PAGE_LIMIT,
  systemActor,
  type AuditActor,
  type AuditEntry,
  type AuditFilters,
  type AuditSubject,
} from './audit-entry';
export type { AuditLink } from './audit-event.repository';
export { AUDIT_SUBJECT_ID_MAX_LENGTH, AUDIT_SUBJECT_TYPE_PATTERN } from './audit-rules';
export { type AuditPage, type AuditRecord } from './audit-view';
export { AuditModule } from './audit.module';
export { AuditService } from './audit.service';
export { REDACTED, scrubSecrets } from './scrub-secrets';
