import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIELD_RULE_NAMES } from './rules';

describe('the field rule vocabulary', () => {
  it('is the list docs/api-errors.md gives, rule for rule', () => {
    const page = readFileSync(join(__dirname, '../../../docs/api-errors.md'), 'utf8');
    const start = page.indexOf('## Field rules');
    const section = page.slice(start, page.indexOf('\n## ', start + 1));
    const documented = [...section.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...FIELD_RULE_NAMES].sort());
  });
});
