import type { Principal } from '@airlock/auth';
import { AirlockError } from '@airlock/errors';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { principalOf } from './request-principal';

/** `{ tokenId, name, role }` of the caller. Only on routes that are not @Public(). */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal => {
    return requirePrincipal(context.switchToHttp().getRequest<Request>());
  },
);

export function requirePrincipal(request: Request): Principal {
  const principal = principalOf(request);
  if (!principal)
    throw new AirlockError('INTERNAL', 'No principal on this request: is the route @Public()?');
  return principal;
}
