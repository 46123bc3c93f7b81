import { forbidden, roleAllows, rolesPassing, TokensService, type Role } from '@airlock/auth';
import { AirlockError } from '@airlock/errors';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { bearerTokenOf } from './bearer-token';
import { IS_PUBLIC } from './public.decorator';
import { setPrincipal } from './request-principal';
import { REQUIRED_ROLES } from './roles.decorator';

/** RFC 6750 §3: every 401 challenges; `invalid_token` when a token was sent but is no good. */
const CHALLENGE = 'Bearer realm="airlock"';

/**
 * The global guard: every route needs a valid bearer token unless it is @Public(), and a role
 * that @Roles() allows (any role when it names none; admin always).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const principal = await this.authenticate(request).catch((error: unknown) => {
      if (error instanceof AirlockError && error.code === 'UNAUTHENTICATED') {
        http.getResponse<Response>().setHeader('WWW-Authenticate', challengeFor(error));
      }
      throw error;
    });
    setPrincipal(request, principal);
    const required =
      this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets) ?? [];
    if (!roleAllows(principal.role, required)) throw forbidden(rolesPassing(required), principal);
    return true;
  }

  private authenticate(request: Request) {
    return this.tokens.authenticate(bearerTokenOf(request.header('authorization')));
  }
}

function challengeFor(error: AirlockError): string {
  return error.details.reason === 'missingToken'
    ? CHALLENGE
    : `${CHALLENGE}, error="invalid_token"`;
}
