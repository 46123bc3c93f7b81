import type { AuditActor } from '@airlock/audit';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { requestIdOf } from '../http/request-id.middleware';
import { requirePrincipal } from './current-principal.decorator';

/**
 * The caller as the audit log records it — token id, token name and request id. Controllers pass
 * it to the service that makes (and audits) the change.
 */
export const CurrentActor = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuditActor => {
    const request = context.switchToHttp().getRequest<Request>();
    const { tokenId, name } = requirePrincipal(request);
    return { tokenId, name, requestId: requestIdOf(request) };
  },
);
