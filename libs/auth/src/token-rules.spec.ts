import { AirlockError } from '@airlock/errors';
import { checkTokenId, readNewToken } from './token-rules';

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

describe('token rules', () => {
  it('takes a name and one of the four roles', () => {
    expect(readNewToken({ name: 'jenkins-prod', role: 'ci' })).toEqual({
      name: 'jenkins-prod',
      role: 'ci',
    });
    expect(problemsOf(() => readNewToken({ name: 'x', role: 'root' }))).toEqual([
      { field: 'role', rule: 'oneOf' },
    ]);
    expect(problemsOf(() => readNewToken({}))).toEqual([
      { field: 'name', rule: 'required' },
      { field: 'role', rule: 'required' },
    ]);
  });

  it('holds names to 1-64 characters starting with a letter or digit', () => {
    for (const [name, rule] of [
      ['', 'minLength'],
      ['a'.repeat(65), 'maxLength'],
      ['has space', 'matches'],
      ['-dash', 'matches'],
      [7, 'type'],
    ] as const)
      expect(problemsOf(() => readNewToken({ name, role: 'ci' }))).toEqual([
        { field: 'name', rule },
      ]);
    expect(readNewToken({ name: 'a._-9', role: 'reader' }).name).toBe('a._-9');
  });

  it('keeps bootstrap-admin for Airlock, and reports unknown fields with the rest', () => {
    expect(
      problemsOf(() => readNewToken({ name: 'bootstrap-admin', role: 'admin', admin: true })),
    ).toEqual([
      { field: 'name', rule: 'reserved' },
      { field: 'admin', rule: 'unknownField' },
    ]);
  });

  it('takes token ids that are UUIDs', () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect(checkTokenId(id)).toBe(id);
    expect(problemsOf(() => checkTokenId('not-a-uuid'))).toEqual([{ field: 'id', rule: 'uuid' }]);
  });
});
