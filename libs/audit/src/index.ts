export {
  AUDIT_ACTION_PATTERN,
  AUDIT_PAGE_LIMIT,
  systemActor,
  type AuditActor,
  type AuditEntry,
  type AuditFilters,
  type AuditPage,
  type AuditRecord,
  type AuditSubject,
} from './audit-entry';
export { AuditModule } from './audit.module';
export { AuditService } from './audit.service';
export { REDACTED, scrubSecrets } from './scrub-secrets';
