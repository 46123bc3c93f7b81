import { AirlockError } from '@airlock/errors';
import type { Role } from './roles';

/** Why a request is not authenticated; also the `reason` of the 401 problem. */
export type UnauthenticatedReason =
  'missingToken' | 'malformedHeader' | 'malformedToken' | 'unknownToken' | 'revokedToken';

export function unauthenticated(reason: UnauthenticatedReason, message: string): AirlockError {
  return new AirlockError('UNAUTHENTICATED', message, { details: { reason } });
}

export function forbidden(
  required: readonly Role[],
  principal: { name: string; role: Role },
): AirlockError {
  const needed = required.join(' or ');
  return new AirlockError(
    'FORBIDDEN',
    `This requires the ${needed} role; the token "${principal.name}" has the ${principal.role} role`,
    { details: { requiredRoles: [...required], role: principal.role } },
  );
}
