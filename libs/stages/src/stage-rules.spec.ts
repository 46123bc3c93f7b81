import { AirlockError } from '@airlock/errors';
import { checkMemberNames, checkPosition, checkStageName } from './stage-rules';

function problemOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (error) {
    expect((error as AirlockError).code).toBe('INVALID_INPUT');
    return ((error as AirlockError).details.errors as Array<Record<string, string>>)[0]!;
  }
  throw new Error('expected an INVALID_INPUT error');
}

describe('stage rules', () => {
  it('takes slug names only', () => {
    expect(checkStageName('prod')).toBe('prod');
    expect(problemOf(() => checkStageName('Prod'))).toMatchObject({
      field: 'name',
      rule: 'matches',
    });
  });

  it('takes integer positions from 0 to 10000', () => {
    expect(checkPosition(0)).toBe(0);
    for (const bad of [-1, 1.5, 10_001])
      expect(problemOf(() => checkPosition(bad)).field).toBe('position');
  });

  it('refuses the same registry twice, naming the second index', () => {
    expect(checkMemberNames(['a', 'b'])).toEqual(['a', 'b']);
    expect(problemOf(() => checkMemberNames(['a', 'b', 'a']))).toMatchObject({
      field: 'registries[2]',
      rule: 'unique',
    });
  });
});
