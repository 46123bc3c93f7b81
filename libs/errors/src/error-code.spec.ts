import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AirlockError } from './airlock-error';
import { ERROR_CODE_FACTS, ERROR_CODES } from './error-code';

/** docs/api-errors.md's table: code → [status, retryable]. */
function documentedCodes(): Map<string, [number, boolean]> {
  const page = readFileSync(join(__dirname, '../../../docs/api-errors.md'), 'utf8');
  const rows = new Map<string, [number, boolean]>();
  for (const match of page.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (yes|no) \|/gm))
    rows.set(match[1]!, [Number(match[2]), match[3] === 'yes']);
  return rows;
}

describe('the error code table', () => {
  it('gives every code a 4xx/5xx status and a retryability', () => {
    for (const code of ERROR_CODES) {
      const facts = ERROR_CODE_FACTS[code];
      expect(facts.status).toBeGreaterThanOrEqual(400);
      expect(facts.status).toBeLessThan(600);
      expect(typeof facts.retryable).toBe('boolean');
    }
  });

  it('is the one docs/api-errors.md lists, row for row', () => {
    const documented = documentedCodes();
    expect([...documented.keys()].sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      const { status, retryable } = ERROR_CODE_FACTS[code];
      expect({ code, facts: documented.get(code) }).toEqual({ code, facts: [status, retryable] });
    }
  });

  it.each(ERROR_CODES)('an AirlockError %s takes its retryability from the table', (code) => {
    expect(new AirlockError(code, 'x').retryable).toBe(ERROR_CODE_FACTS[code].retryable);
  });

  it('an error whose own facts decide overrides the default', () => {
    expect(new AirlockError('REGISTRY_ERROR', 'a 400 answer', { retryable: false }).retryable).toBe(
      false,
    );
    expect(new AirlockError('CONFLICT', 'x', { retryable: true }).retryable).toBe(true);
  });
});
