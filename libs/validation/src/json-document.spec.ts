import { checkJsonDocument, MAX_JSON_DEPTH } from './json-document';

/** `[[[…]]]` nested `depth` levels deep, built without recursion. */
function nestedArrays(depth: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

describe('JSON document checks', () => {
  it('passes an ordinary body', () => {
    expect(
      checkJsonDocument({ gate: 'unit', details: { a: [1, 'two', { three: null }] } }),
    ).toEqual([]);
  });

  it('allows nesting up to the limit and refuses one level more, naming the path', () => {
    expect(checkJsonDocument(nestedArrays(MAX_JSON_DEPTH))).toEqual([]);
    const problems = checkJsonDocument(nestedArrays(MAX_JSON_DEPTH + 1));
    expect(problems).toEqual([
      expect.objectContaining({ field: `body${'[0]'.repeat(MAX_JSON_DEPTH)}`, rule: 'maxDepth' }),
    ]);
  });

  it('walks 200,000 nested arrays without running out of stack', () => {
    const problems = checkJsonDocument(JSON.parse(`${'['.repeat(200000)}${']'.repeat(200000)}`));
    expect(problems.map((p) => p.rule)).toEqual(['maxDepth']);
  });

  it('refuses NUL in values and in keys, with the path to them', () => {
    expect(
      checkJsonDocument({ name: 'a\u0000b', details: { 'k\u0000': 'v', list: ['ok', '\u0000'] } })
        .map((p) => [p.field, p.rule])
        .sort(),
    ).toEqual([
      ['details.k\\u0000', 'noNul'],
      ['details.list[1]', 'noNul'],
      ['name', 'noNul'],
    ]);
  });

  it('names query and path fields by their own names', () => {
    expect(checkJsonDocument({ tag: '\u0000' }, 'query')).toEqual([
      expect.objectContaining({ field: 'tag', rule: 'noNul' }),
    ]);
  });
});

describe('JSON document checks: Unicode', () => {
  it('refuses a lone surrogate in values and keys, accepts a pair', () => {
    expect(checkJsonDocument({ ok: 'emoji \ud83d\ude00', 'k\ud83d\ude00': 1 })).toEqual([]);
    const problems = checkJsonDocument({ log: ['x\ud800'], url: '\udfffy', ['k\ud800']: 1 });
    expect(problems.map((p) => [p.field, p.rule]).sort()).toEqual([
      ['k\\ud800', 'unicode'],
      ['log[0]', 'unicode'],
      ['url', 'unicode'],
    ]);
  });
});
