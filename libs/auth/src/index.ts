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
export type { CreatedToken, TokenSummary } from './token-summary';
export { BOOTSTRAP_TOKEN_NAME, TokensService, type NewTokenRequest } from './tokens.service';
