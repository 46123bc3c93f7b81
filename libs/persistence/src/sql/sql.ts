/**
 * A piece of SQL with its values kept apart: built with the `sql` tag, composed by nesting, and
 * compiled once to text with `$1…$n` placeholders. A value is always a parameter, never spliced
 * into the text — only `raw()` adds text, and only text written in the code (column lists, a
 * keyword, an ORDER BY chosen from a fixed set). So a statement's text depends on the code path,
 * not on the values, and every statement can be a named prepared statement (Database).
 */
export class Sql {
  private constructor(
    private readonly strings: readonly string[],
    private readonly values: readonly unknown[],
  ) {}

  /** @internal for the `sql` tag and `raw` */
  static of(strings: readonly string[], values: readonly unknown[]): Sql {
    return new Sql(strings, values);
  }

  /** The text with `$n` placeholders and the values in their order; nested pieces inlined. */
  compile(): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    const text = this.render(values);
    return { text, values };
  }

  private render(values: unknown[]): string {
    let text = this.strings[0]!;
    this.values.forEach((value, i) => {
      text += value instanceof Sql ? value.render(values) : `$${values.push(value)}`;
      text += this.strings[i + 1]!;
    });
    return text;
  }
}

/** sql`SELECT … WHERE id = ${id}`: values become parameters; an Sql value is inlined. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  return Sql.of(strings, values);
}

/** Text written in the code, as it is: never a value from a request. */
export function raw(text: string): Sql {
  return Sql.of([text], []);
}

/** The pieces one after another, with `separator` between them (`, ` by default). */
export function join(pieces: readonly Sql[], separator: Sql = raw(', ')): Sql {
  const values = pieces.flatMap((piece, i) => (i === 0 ? [piece] : [separator, piece]));
  return Sql.of(new Array<string>(values.length + 1).fill(''), values);
}

/** A JSON value as a `jsonb` parameter (pg would send an object as text, an array as a Postgres array). */
export function json(value: unknown): Sql {
  return sql`${value === undefined ? null : JSON.stringify(value)}::jsonb`;
}

/**
 * `expression AS "key"` for every property of Row: the select list of a row type, written once
 * and checked against it by the compiler (a missing or misspelt key does not compile). The
 * expressions are SQL text from the code.
 */
export function columns<Row>(expressions: { [K in keyof Row]-?: string }): Sql {
  return raw(
    Object.entries(expressions as Record<string, string>)
      .map(([key, expression]) => (expression === key ? `"${key}"` : `${expression} AS "${key}"`))
      .join(', '),
  );
}
