import { unauthenticated } from '@airlock/auth';

/** The token of an `Authorization: Bearer <token>` header, or UNAUTHENTICATED saying what is wrong. */
export function bearerTokenOf(header: string | undefined): string {
  if (header === undefined || header.trim() === '') {
    throw unauthenticated(
      'missingToken',
      'No Authorization header; send "Authorization: Bearer <token>"',
    );
  }
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header.trim());
  if (!match) {
    throw unauthenticated('malformedHeader', 'The Authorization header must be "Bearer <token>"');
  }
  return match[1]!;
}
