import { AirlockError } from '@airlock/errors';
import { encodeCursor } from '@airlock/validation';
import {
  checkRuleName,
  checkRunParams,
  readArchivedQuery,
  readMirrorRuleUpdate,
  readNewMirrorRule,
  readRunQuery,
} from './mirror-rules';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect((error as AirlockError).code).toBe('INVALID_INPUT');
    return ((error as AirlockError).details.errors as Array<{ field: string; rule: string }>).map(
      ({ field, rule }) => `${field}:${rule}`,
    );
  }
  throw new Error('expected an INVALID_INPUT error');
}

const RULE = {
  name: 'alpine',
  upstream: { registry: 'hub', repository: 'library/alpine' },
  tags: { tags: ['latest'], semver: '>=3.19 <4' },
  archive: { registry: 'archive', repository: 'mirror/library/alpine' },
  schedule: ' 0 3 * * * ',
};

describe('mirror rule rules', () => {
  it('reads a new rule, the schedule trimmed and only the fields given', () => {
    expect(readNewMirrorRule(RULE)).toEqual({ ...RULE, schedule: '0 3 * * *' });
    expect(readNewMirrorRule({ ...RULE, enabled: false }).enabled).toBe(false);
  });

  it('names every broken field at once, nested ones by their path', () => {
    expect(
      problemsOf(() =>
        readNewMirrorRule({
          name: 'Bad Name',
          upstream: { registry: 'hub', repository: 'UPPER', extra: 1 },
          tags: { include: '(', semver: 'nope' },
          archive: { registry: 'a'.repeat(64) },
          schedule: '61 * * * *',
          enabled: 'yes',
        }),
      ).sort(),
    ).toEqual([
      'archive.registry:maxLength',
      'archive.repository:required',
      'enabled:type',
      'name:matches',
      'schedule:cron',
      'tags.include:regex',
      'tags.semver:semverRange',
      'upstream.extra:unknownField',
      'upstream.repository:repository',
    ]);
    expect(problemsOf(() => readNewMirrorRule({})).sort()).toEqual([
      'archive:required',
      'name:required',
      'schedule:required',
      'tags:required',
      'upstream:required',
    ]);
    expect(problemsOf(() => readNewMirrorRule([]))).toEqual(['body:type']);
  });

  it('checks schedules as cron with 5 or 6 fields, at most 120 characters', () => {
    for (const [schedule, rule] of [
      ['   ', 'cron'],
      ['* * * *', 'cron'],
      ['* * * * * * *', 'cron'],
      [`0 3 * * * ${' '.repeat(120)}`, 'maxLength'],
      [3, 'type'],
    ] as const)
      expect(problemsOf(() => readMirrorRuleUpdate({ schedule }))).toEqual([`schedule:${rule}`]);
    expect(readMirrorRuleUpdate({ schedule: '*/30 * * * * *' })).toEqual({
      schedule: '*/30 * * * * *',
    });
  });

  it('takes an update of some fields; null is no value, the name cannot change', () => {
    expect(readMirrorRuleUpdate({})).toEqual({});
    expect(readMirrorRuleUpdate({ enabled: false, tags: { newest: 2 } })).toEqual({
      enabled: false,
      tags: { newest: 2 },
    });
    expect(problemsOf(() => readMirrorRuleUpdate({ upstream: null, name: 'x' }))).toEqual([
      'upstream:notNull',
      'name:unknownField',
    ]);
    expect(problemsOf(() => readMirrorRuleUpdate({ tags: {} }))).toEqual(['tags:atLeastOneOf']);
  });

  it('checks the path parameters', () => {
    expect(checkRuleName('alpine')).toBe('alpine');
    expect(problemsOf(() => checkRuleName('-x'))).toEqual(['name:matches']);
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(checkRunParams('alpine', id)).toEqual({ name: 'alpine', runId: id });
    expect(problemsOf(() => checkRunParams('A', 'run-1'))).toEqual(['name:matches', 'runId:uuid']);
  });

  it('reads the run and archive queries', () => {
    expect(readRunQuery({})).toEqual({ limit: 20 });
    const cursor = encodeCursor(
      '2030-01-02 03:04:05.123456+00',
      '0f8fad5b-d9cb-469f-a165-70867728950e',
    );
    expect(readRunQuery({ cursor, limit: '5' })).toEqual({
      limit: 5,
      before: {
        createdAtKey: '2030-01-02 03:04:05.123456+00',
        id: '0f8fad5b-d9cb-469f-a165-70867728950e',
      },
    });
    expect(problemsOf(() => readRunQuery({ cursor: 'nope', limit: '101' }))).toEqual([
      'cursor:cursor',
      'limit:max',
    ]);
    expect(problemsOf(() => readRunQuery({ limit: '0', other: 'x' }))).toEqual([
      'limit:min',
      'other:unknownField',
    ]);
    expect(readArchivedQuery({ tag: '3.19' })).toEqual({ tag: '3.19' });
    expect(readArchivedQuery({})).toEqual({});
    expect(problemsOf(() => readArchivedQuery({ tag: ['a', 'b'] }))).toEqual(['tag:type']);
  });
});
