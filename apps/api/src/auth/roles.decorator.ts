import type { Role } from '@airlock/auth';
import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const REQUIRED_ROLES = 'airlock:roles';
/** Read by `documentAuth` to write each operation's roles into its description. */
export const ROLES_EXTENSION = 'x-airlock-roles';

/**
 * The roles allowed on a route (or every route of a controller; a method's own wins). Admin is
 * always allowed. Without it a route takes any authenticated token.
 */
export function Roles(...roles: Role[]): ClassDecorator & MethodDecorator {
  return applyDecorators(SetMetadata(REQUIRED_ROLES, roles), ApiExtension(ROLES_EXTENSION, roles));
}
