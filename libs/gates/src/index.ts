export {
  toGateRecord,
  type ApprovalInput,
  type Approver,
  type GateHistoryFilters,
  type GateHistoryPage,
  type GateRecord,
  type GateResultInput,
} from './gate-record';
export {
  checkDetails,
  checkDigest,
  checkGateName,
  checkUrl,
  DEFAULT_APPROVAL_GATE,
  DIGEST_PATTERN,
  GATE_NAME_PATTERN,
  GATE_PAGE_LIMIT,
  MAX_COMMENT_LENGTH,
  MAX_DETAILS_BYTES,
  MAX_URL_LENGTH,
  throwIfInvalid,
} from './gate-rules';
export { GatesModule } from './gates.module';
export { GatesService } from './gates.service';
