import type { Principal } from '@airlock/auth';
import type { Request } from 'express';

const KEY = Symbol('airlock:principal');
type WithPrincipal = Request & { [KEY]?: Principal };

/** Set by the AuthGuard once the bearer token is authenticated. */
export function setPrincipal(request: Request, principal: Principal): void {
  (request as WithPrincipal)[KEY] = principal;
}

/** The authenticated caller; undefined on public routes. */
export function principalOf(request: Request): Principal | undefined {
  return (request as WithPrincipal)[KEY];
}
