import { AirlockError } from '@airlock/errors';
import { checkStageName, readNewStage, readStageUpdate } from './stage-rules';

function problemsOf(fn: () => unknown): Array<{ field: string; rule: string }> {
  try {
    fn();
  } catch (error) {
    expect((error as AirlockError).code).toBe('INVALID_INPUT');
    return ((error as AirlockError).details.errors as Array<{ field: string; rule: string }>).map(
      ({ field, rule }) => ({ field, rule }),
    );
  }
  throw new Error('expected an INVALID_INPUT error');
}

describe('stage rules', () => {
  it('takes slug names only', () => {
    expect(checkStageName('prod')).toBe('prod');
    expect(problemsOf(() => checkStageName('Prod'))).toEqual([{ field: 'name', rule: 'matches' }]);
    expect(problemsOf(() => readNewStage({}))).toEqual([{ field: 'name', rule: 'required' }]);
  });

  it('takes integer positions from 0 to 10000', () => {
    expect(readNewStage({ name: 'a', position: 0 }).position).toBe(0);
    for (const [bad, rule] of [
      [-1, 'min'],
      [1.5, 'integer'],
      [10_001, 'max'],
      ['1', 'type'],
    ] as const)
      expect(problemsOf(() => readStageUpdate({ position: bad }))).toEqual([
        { field: 'position', rule },
      ]);
  });

  it('refuses the same registry twice, naming the second index; and unknown fields', () => {
    expect(readStageUpdate({ registries: ['a', 'b'] }).registries).toEqual(['a', 'b']);
    expect(problemsOf(() => readStageUpdate({ registries: ['a', 'b', 'a'], name: 'x' }))).toEqual([
      { field: 'registries[2]', rule: 'uniqueItems' },
      { field: 'name', rule: 'unknownField' },
    ]);
  });
});
