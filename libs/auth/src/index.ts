export { AdminBootstrapService, type BootstrapOutcome } from './admin-bootstrap.service';
export { forbidden, unauthenticated, type UnauthenticatedReason } from './auth-errors';
export { AdminBootstrapModule } from './admin-bootstrap.module';
export { AuthModule } from './auth.module';
export type { Principal } from './principal';
export { isRole, roleAllows, rolesPassing, ROLES, type Role } from './roles';
export {
  displayPrefix,
  generateToken,
  hashToken,
  looksLikeToken,
  TOKEN_SCHEME,
} from './token-format';
export {
  BOOTSTRAP_TOKEN_NAME,
  MAX_TOKEN_NAME_LENGTH,
  TOKEN_NAME_PATTERN,
  type NewTokenRequest,
} from './token-rules';
export type { CreatedToken, TokenSummary } from './token-view';
export { TokensService } from './tokens.service';
