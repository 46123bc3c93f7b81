import { AirlockError } from '@airlock/errors';
import { readInput, readQuery, type ObjectReader } from './input-reader';

/** The problems `read` throws, as [field, rule] pairs. */
function problemsOf(read: () => unknown): Array<[string, string]> {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(AirlockError);
    expect((error as AirlockError).code).toBe('INVALID_INPUT');
    return ((error as AirlockError).details.errors as Array<{ field: string; rule: string }>).map(
      (p) => [p.field, p.rule],
    );
  }
  throw new Error('expected INVALID_INPUT');
}

const stage = (r: ObjectReader) => ({
  name: r.string('name', { required: true, pattern: { regex: /^[a-z]+$/, describe: 'a-z' } }),
  position: r.integer('position', { min: 0, max: 10 }),
  registries: r.strings('registries', { maxItems: 3, unique: true }, { maxLength: 5 }),
  tls: r.object('tls', (t) => ({ insecure: t.boolean('insecure') }), { nullable: true }),
});

describe('readInput', () => {
  it('answers the typed fields, leaving out what was left out', () => {
    expect(readInput({ name: 'prod', registries: ['eu'] }, stage)).toEqual({
      name: 'prod',
      position: undefined,
      registries: ['eu'],
      tls: undefined,
    });
    expect(readInput({ name: 'prod', tls: null }, stage).tls).toBeNull();
  });

  it('reports every problem at once, each with its field path and rule', () => {
    expect(
      problemsOf(() =>
        readInput(
          {
            position: 11,
            registries: ['eu', 'eu', 7, 'toolong'],
            tls: { insecure: 'yes', extra: 1 },
            admin: true,
          },
          stage,
        ),
      ),
    ).toEqual([
      ['name', 'required'],
      ['position', 'max'],
      ['registries', 'maxItems'],
      ['registries[2]', 'type'],
      ['registries[3]', 'maxLength'],
      ['registries[1]', 'uniqueItems'],
      ['tls.insecure', 'type'],
      ['tls.extra', 'unknownField'],
      ['admin', 'unknownField'],
    ]);
  });

  it('refuses keys named like Object.prototype members as unknown fields', () => {
    const body = JSON.parse('{"name":"a","__proto__":1,"constructor":2,"toString":3}') as unknown;
    expect(problemsOf(() => readInput(body, stage))).toEqual([
      ['__proto__', 'unknownField'],
      ['constructor', 'unknownField'],
      ['toString', 'unknownField'],
    ]);
  });

  it('refuses null where not nullable, a list where an object belongs, a non-object body', () => {
    expect(problemsOf(() => readInput({ name: null, registries: null }, stage))).toEqual([
      ['name', 'required'],
      ['registries', 'notNull'],
    ]);
    expect(problemsOf(() => readInput({ name: 'a', tls: [] }, stage))).toEqual([['tls', 'type']]);
    expect(problemsOf(() => readInput([], stage))).toEqual([['body', 'type']]);
    expect(problemsOf(() => readInput(undefined, stage))).toEqual([['body', 'required']]);
    expect(problemsOf(() => readInput({ name: 'a', position: 1.5 }, stage))).toEqual([
      ['position', 'integer'],
    ]);
  });

  it('reads objects in lists and names them by index', () => {
    const read = (r: ObjectReader) =>
      r.objects('items', (i) => i.string('tag', { required: true }));
    expect(readInput({ items: [{ tag: 'a' }] }, read)).toEqual(['a']);
    expect(problemsOf(() => readInput({ items: [{}, 'x'] }, read))).toEqual([
      ['items[0].tag', 'required'],
      ['items[1]', 'type'],
    ]);
  });
});

describe('readQuery', () => {
  const list = (r: ObjectReader) => ({
    limit: r.integer('limit', { min: 1, max: 100 }),
    tags: r.strings('tags'),
    all: r.boolean('all'),
  });

  it('reads numbers, booleans and lists from their text', () => {
    expect(readQuery({ limit: '20', tags: 'a, b', all: 'true' }, list)).toEqual({
      limit: 20,
      tags: ['a', 'b'],
      all: true,
    });
    expect(readQuery({ tags: ['a', 'b,c'] }, list).tags).toEqual(['a', 'b', 'c']);
  });

  it('names parameters by their own names, unknown ones included', () => {
    expect(
      problemsOf(() => readQuery({ limit: 'x', all: 'maybe', constructor: '1' }, list)),
    ).toEqual([
      ['limit', 'type'],
      ['all', 'type'],
      ['constructor', 'unknownField'],
    ]);
  });
});
