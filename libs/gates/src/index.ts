export { PRINCIPAL_ROLES, type PrincipalRole } from './digest-principal.repository';
export { GATE_STATUSES, type GateStatus } from './gate-result.repository';
export {
  checkDigest,
  DEFAULT_APPROVAL_GATE,
  DIGEST_PATTERN,
  GATE_NAME_PATTERN,
  GATE_PAGE_LIMIT,
  MAX_COMMENT_LENGTH,
  MAX_DETAILS_BYTES,
  MAX_URL_LENGTH,
  type ApprovalInput,
  type GateHistoryFilters,
  type GateResultInput,
} from './gate-rules';
export {
  toGateRecord,
  type Approver,
  type DigestPrincipals,
  type GateHistoryPage,
  type GateLedger,
  type GateRecord,
  type LedgerStanding,
} from './gate-view';
export { GatesModule } from './gates.module';
export { GatesService } from './gates.service';
