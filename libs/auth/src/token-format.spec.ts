import { createHash } from 'node:crypto';
import { displayPrefix, generateToken, hashToken, looksLikeToken } from './token-format';

describe('token format', () => {
  it('generates alk_ + 43 base64url characters (32 random bytes), different every time', () => {
    const tokens = Array.from({ length: 200 }, generateToken);
    for (const token of tokens) {
      expect(token).toMatch(/^alk_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('hashes with sha256 over the whole token, as 32 bytes', () => {
    const token = generateToken();
    const hash = hashToken(token);
    expect(hash).toHaveLength(32);
    expect(hash.equals(createHash('sha256').update(token).digest())).toBe(true);
    expect(hashToken(token).equals(hash)).toBe(true);
    expect(hashToken(generateToken()).equals(hash)).toBe(false);
  });

  it('shows the first 12 characters for display', () => {
    expect(displayPrefix('alk_ABCDEFGHijklmnop')).toBe('alk_ABCDEFGH');
  });

  it('recognises token-shaped strings only', () => {
    expect(looksLikeToken(generateToken())).toBe(true);
    expect(looksLikeToken(`alk_${'x'.repeat(32)}`)).toBe(true);
    expect(looksLikeToken(`alk_${'x'.repeat(31)}`)).toBe(false);
    expect(looksLikeToken(`ghp_${'x'.repeat(43)}`)).toBe(false);
    expect(looksLikeToken(`alk_${'x'.repeat(40)}!`)).toBe(false);
    expect(looksLikeToken('')).toBe(false);
  });
});
