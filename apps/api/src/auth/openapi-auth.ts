import { rolesPassing, type Role } from '@airlock/auth';
import type { OpenAPIObject } from '@nestjs/swagger';
import { problemResponseObject } from '../http/api-problem-response.decorator';
import { PUBLIC_EXTENSION } from './public.decorator';
import { ROLES_EXTENSION } from './roles.decorator';

export const BEARER_SCHEME = 'bearer';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

interface Operation {
  description?: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, unknown>;
  [extension: string]: unknown;
}

/**
 * Writes authentication into the OpenAPI document from the same metadata the AuthGuard enforces
 * (@Public, @Roles), so the document cannot drift from the guard: each operation gets its
 * security requirement, its roles at the end of its description, and its 401/403 problems.
 */
export function documentAuth(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined;
      if (operation) describeOperation(operation);
    }
  }
  return document;
}

function describeOperation(operation: Operation): void {
  if (operation[PUBLIC_EXTENSION]) {
    operation.security = [];
    appendDescription(operation, '**Public**: no token needed.');
    return;
  }
  const required = (operation[ROLES_EXTENSION] as Role[] | undefined) ?? [];
  const roles = rolesPassing(required).join(', ');
  operation.security = [{ [BEARER_SCHEME]: [] }];
  appendDescription(
    operation,
    required.length === 0 ? `**Roles**: any (${roles}).` : `**Roles**: ${roles}.`,
  );
  operation.responses['401'] ??= problemResponseObject(
    'UNAUTHENTICATED: no, a malformed, an unknown or a revoked bearer token.',
  );
  if (required.length > 0)
    operation.responses['403'] ??= problemResponseObject(
      `FORBIDDEN: the token's role is not one of ${roles}.`,
    );
}

function appendDescription(operation: Operation, text: string): void {
  operation.description = operation.description ? `${operation.description}\n\n${text}` : text;
}
