import { API_TOKEN_PATTERN } from '@airlock/config';
import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_SCHEME = 'alk_';
const TOKEN_BYTES = 32;
/** `alk_` and 8 characters: enough to tell tokens apart in lists, far too little to guess one. */
const DISPLAY_PREFIX_LENGTH = 12;

/** A new token: `alk_` + 32 random bytes in base64url (43 characters). */
export function generateToken(): string {
  return TOKEN_SCHEME + randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * What is stored: sha256 of the token. Tokens carry 256 random bits, so a fast unsalted hash is
 * enough (nothing to brute-force), and lookup by hash needs no constant-time comparison.
 */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function displayPrefix(token: string): string {
  return token.slice(0, DISPLAY_PREFIX_LENGTH);
}

/** Whether a string can be an Airlock token at all (checked before any database lookup). */
export function looksLikeToken(value: string): boolean {
  return API_TOKEN_PATTERN.test(value);
}
