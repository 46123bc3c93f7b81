import { columns, join, json, raw, sql } from './sql';

describe('sql', () => {
  it('makes every value a numbered parameter, never text', () => {
    const id = "1'; DROP TABLE x; --";
    expect(sql`SELECT * FROM t WHERE id = ${id} AND n > ${3}`.compile()).toEqual({
      text: 'SELECT * FROM t WHERE id = $1 AND n > $2',
      values: [id, 3],
    });
  });

  it('inlines nested pieces and numbers their values in order', () => {
    const filter = sql`gate = ${'scan'}`;
    const query = sql`WITH a AS (SELECT ${1}) SELECT * FROM t WHERE ${filter} AND x = ${2}`;
    expect(query.compile()).toEqual({
      text: 'WITH a AS (SELECT $1) SELECT * FROM t WHERE gate = $2 AND x = $3',
      values: [1, 'scan', 2],
    });
  });

  it('joins pieces, raw text stays text, json is a jsonb parameter', () => {
    const where = join([sql`a = ${1}`, sql`b = ${2}`, raw('c IS NULL')], raw(' AND '));
    expect(sql`SELECT 1 WHERE ${where}`.compile()).toEqual({
      text: 'SELECT 1 WHERE a = $1 AND b = $2 AND c IS NULL',
      values: [1, 2],
    });
    expect(join([]).compile()).toEqual({ text: '', values: [] });
    expect(sql`INSERT INTO t (d) VALUES (${json({ k: [1] })})`.compile()).toEqual({
      text: 'INSERT INTO t (d) VALUES ($1::jsonb)',
      values: ['{"k":[1]}'],
    });
  });

  it('writes a select list from a row type', () => {
    interface Row {
      id: string;
      imageId: string;
    }
    expect(columns<Row>({ id: 'p.id', imageId: 'p.image_id' }).compile().text).toBe(
      'p.id AS "id", p.image_id AS "imageId"',
    );
  });

  it('has the same text for the same code path, whatever the values', () => {
    const of = (digest: string) =>
      sql`SELECT * FROM images WHERE digest = ${digest}`.compile().text;
    expect(of('sha256:a')).toBe(of('sha256:b'));
  });
});
