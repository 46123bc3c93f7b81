import { AirlockError } from '@airlock/errors';
import { readAuditQuery } from './audit-rules';

function problemsOf(query: Record<string, unknown>): string[] {
  try {
    readAuditQuery(query);
    return [];
  } catch (error) {
    expect((error as AirlockError).code).toBe('INVALID_INPUT');
    return ((error as AirlockError).details.errors as Array<{ field: string; rule: string }>).map(
      (e) => `${e.field}:${e.rule}`,
    );
  }
}

describe('the audit log query', () => {
  it('reads filters from their text, limit defaulting to 50', () => {
    expect(
      readAuditQuery({
        actor: '3f0c4a52-7d5e-4b4b-9e7a-2b4f0a1c9d11',
        subjectType: 'api_token',
        subjectId: 'x',
        since: '2030-01-02T03:04:05Z',
        until: '2030-01-03',
        limit: '10',
      }),
    ).toEqual({
      actor: '3f0c4a52-7d5e-4b4b-9e7a-2b4f0a1c9d11',
      action: undefined,
      subjectType: 'api_token',
      subjectId: 'x',
      since: new Date('2030-01-02T03:04:05Z'),
      until: new Date('2030-01-03'),
      cursor: undefined,
      limit: 10,
    });
    expect(readAuditQuery({}).limit).toBe(50);
  });

  it.each([
    [{ limit: '501' }, ['limit:max']],
    [{ limit: '0' }, ['limit:min']],
    [{ limit: 'ten' }, ['limit:type']],
    [{ actor: 'bob' }, ['actor:uuid']],
    [{ action: 'Created' }, ['action:matches']],
    [{ subjectId: 'abc' }, ['subjectType:required']],
    [{ since: 'yesterday' }, ['since:dateTime']],
    [{ until: '2030-02-30T00:00:00Z' }, ['until:dateTime']],
    [{ cursor: '-1' }, ['cursor:cursor']],
    [{ colour: 'red' }, ['colour:unknownField']],
    [{ action: ['a.b', 'c.d'] }, ['action:type']],
  ])('%j → %j', (query, problems) => {
    expect(problemsOf(query)).toEqual(problems);
  });
});
