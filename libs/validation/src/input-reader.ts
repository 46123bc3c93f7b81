import { fieldPath, invalidInput, type FieldProblem } from './field-problem';
import type { FieldRule } from './rules';

type Check<T> = (value: T, field: string) => FieldProblem | undefined;

interface FieldOptions {
  required?: boolean;
  /** null is a value of its own (e.g. "clear it"); otherwise null is refused (`notNull`). */
  nullable?: boolean;
}

export interface StringOptions extends FieldOptions {
  minLength?: number;
  maxLength?: number;
  /** The whole string must match; `describe` says what the form is, for the message. */
  pattern?: { regex: RegExp; describe: string };
  oneOf?: readonly string[];
  check?: Check<string>;
}

export interface IntegerOptions extends FieldOptions {
  min?: number;
  max?: number;
}

export interface ListOptions extends FieldOptions {
  minItems?: number;
  maxItems?: number;
  unique?: boolean;
}

/** What `read` answers for a field: undefined when left out, null only when nullable. */
type Read<T, O extends FieldOptions> = O extends { nullable: true }
  ? T | null | undefined
  : T | undefined;

/**
 * Reads one JSON object of a request, field by field, collecting every problem: the one way
 * services take input (docs/api-errors.md names the rules). A field of the wrong JSON type,
 * null where it is not nullable, a missing required field, or a key nobody read (an unknown
 * field — `__proto__` and `constructor` included, since keys are the object's own) are
 * problems like a value that breaks its rule. `readInput` throws them all at once.
 */
export class ObjectReader {
  private readonly read = new Set<string>();

  constructor(
    private readonly value: Record<string, unknown>,
    readonly path: string,
    private readonly problems: FieldProblem[],
    /** A query string: every value came as text, numbers and booleans are read from it. */
    private readonly query = false,
  ) {}

  /** A problem of the caller's own (a rule between fields, a value that names nothing). */
  problem(field: string, rule: FieldRule, message: string): void {
    this.problems.push({ field: this.pathOf(field), rule, message });
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.value, key);
  }

  string<O extends StringOptions>(key: string, options: O = {} as O): Read<string, O> {
    const value = this.field(key, options, 'a string', (v) => typeof v === 'string');
    if (typeof value !== 'string') return value as Read<string, O>;
    const field = this.pathOf(key);
    const problem = stringProblem(value, field, options);
    if (problem) this.problems.push(problem);
    return value;
  }

  integer<O extends IntegerOptions>(key: string, options: O = {} as O): Read<number, O> {
    if (this.query) this.fromText(key, (text) => (/^-?\d+$/.test(text) ? Number(text) : text));
    const value = this.field(key, options, 'a number', (v) => typeof v === 'number');
    if (typeof value !== 'number') return value as Read<number, O>;
    const field = this.pathOf(key);
    if (!Number.isInteger(value))
      this.problems.push({ field, rule: 'integer', message: `${field} must be a whole number` });
    else if (options.min !== undefined && value < options.min)
      this.problems.push({
        field,
        rule: 'min',
        message: `${field} must be at least ${options.min}`,
      });
    else if (options.max !== undefined && value > options.max)
      this.problems.push({
        field,
        rule: 'max',
        message: `${field} must be at most ${options.max}`,
      });
    return value;
  }

  boolean<O extends FieldOptions>(key: string, options: O = {} as O): Read<boolean, O> {
    if (this.query) this.fromText(key, (text) => ({ true: true, false: false })[text] ?? text);
    return this.field(key, options, 'true or false', (v) => typeof v === 'boolean') as Read<
      boolean,
      O
    >;
  }

  /** A list of strings, each read with `item` (its rules as for `string`). */
  strings<O extends ListOptions>(
    key: string,
    options: O = {} as O,
    item: StringOptions = {},
  ): Read<string[], O> {
    // In a query, `?tags=a,b` and `?tags=a&tags=b` are both a list.
    if (this.query) this.fromText(key, (text) => text.split(',').map((t) => t.trim()));
    const list = this.list(key, options);
    if (!Array.isArray(list)) return list as Read<string[], O>;
    const field = this.pathOf(key);
    list.forEach((value, i) => {
      const at = fieldPath(field, i);
      if (typeof value !== 'string') this.typeProblem(at, 'a string');
      else {
        const problem = stringProblem(value, at, item);
        if (problem) this.problems.push(problem);
      }
    });
    if (options.unique) {
      const seen = new Set<unknown>();
      list.forEach((value, i) => {
        if (seen.has(value)) {
          const at = fieldPath(field, i);
          this.problems.push({
            field: at,
            rule: 'uniqueItems',
            message: `${field} names ${JSON.stringify(value)} twice`,
          });
        }
        seen.add(value);
      });
    }
    return list as string[];
  }

  /** A nested object, read with its own reader (its unknown keys are reported too). */
  object<T, O extends FieldOptions>(
    key: string,
    readObject: (reader: ObjectReader) => T,
    options: O = {} as O,
  ): Read<T, O> {
    const value = this.field(key, options, 'an object', isPlainObject);
    if (!isPlainObject(value)) return value as Read<T, O>;
    return readWith(value, this.pathOf(key), this.problems, readObject);
  }

  /** A list of objects, each read with its own reader. */
  objects<T, O extends ListOptions>(
    key: string,
    readItem: (reader: ObjectReader) => T,
    options: O = {} as O,
  ): Read<T[], O> {
    const list = this.list(key, options);
    if (!Array.isArray(list)) return list as Read<T[], O>;
    const field = this.pathOf(key);
    const items: T[] = [];
    list.forEach((value, i) => {
      const at = fieldPath(field, i);
      if (isPlainObject(value)) items.push(readWith(value, at, this.problems, readItem));
      else this.typeProblem(at, 'an object');
    });
    return items;
  }

  /** A free-form JSON object (gate details, annotations), taken as it came. */
  freeform<O extends FieldOptions>(
    key: string,
    options: O = {} as O,
  ): Read<Record<string, unknown>, O> {
    return this.field(key, options, 'an object', isPlainObject) as Read<Record<string, unknown>, O>;
  }

  /** Every key of the object not read is an unknown field. */
  finish(): void {
    for (const key of Object.keys(this.value)) {
      if (this.read.has(key)) continue;
      const field = this.pathOf(key);
      this.problems.push({ field, rule: 'unknownField', message: `${field} is not a known field` });
    }
  }

  /** A query value read from its text (a repeated parameter stays a list). */
  private fromText(key: string, parse: (text: string) => unknown): void {
    const value = this.value[key];
    if (typeof value === 'string') this.value[key] = parse(value);
    else if (Array.isArray(value) && parse('a,b') instanceof Array)
      this.value[key] = value.flatMap((v) =>
        typeof v === 'string' ? (parse(v) as unknown[]) : [v],
      );
  }

  private list(key: string, options: ListOptions): unknown[] | null | undefined {
    const value = this.field(key, options, 'a list', Array.isArray);
    if (!Array.isArray(value)) return value as null | undefined;
    const field = this.pathOf(key);
    if (options.minItems !== undefined && value.length < options.minItems)
      this.problems.push({
        field,
        rule: 'minItems',
        message: `${field} must hold at least ${options.minItems} item(s)`,
      });
    if (options.maxItems !== undefined && value.length > options.maxItems)
      this.problems.push({
        field,
        rule: 'maxItems',
        message: `${field} may hold at most ${options.maxItems} items`,
      });
    return value;
  }

  /** The raw value if it is present and of its type; undefined/null otherwise (problems noted). */
  private field(
    key: string,
    options: FieldOptions,
    type: string,
    isType: (value: unknown) => boolean,
  ): unknown {
    this.read.add(key);
    const field = this.pathOf(key);
    if (!this.has(key)) {
      if (options.required)
        this.problems.push({ field, rule: 'required', message: `${field} is required` });
      return undefined;
    }
    const value = this.value[key];
    if (value === null) {
      if (options.nullable) return null;
      this.problems.push({
        field,
        rule: options.required ? 'required' : 'notNull',
        message: `${field} may not be null`,
      });
      return undefined;
    }
    if (!isType(value)) {
      this.typeProblem(field, type);
      return undefined;
    }
    return value;
  }

  private typeProblem(field: string, type: string): void {
    this.problems.push({ field, rule: 'type', message: `${field} must be ${type}` });
  }

  private pathOf(key: string): string {
    return fieldPath(this.path === 'body' ? '' : this.path, key);
  }
}

/**
 * Reads a request body (or any input object) with `readObject`, then throws every problem found
 * as one INVALID_INPUT: a body that is not an object, a field of the wrong type, an unknown field,
 * a broken rule. `path` names the input in the problems (`body`; nested fields by their path).
 */
export function readInput<T>(
  input: unknown,
  readObject: (reader: ObjectReader) => T,
  path = 'body',
): T {
  const problems: FieldProblem[] = [];
  if (!isPlainObject(input)) {
    const message = `${path} must be a JSON object`;
    throw invalidInput([{ field: path, rule: input === undefined ? 'required' : 'type', message }]);
  }
  const result = readWith(input, path, problems, readObject);
  if (problems.length > 0) throw invalidInput(problems);
  return result;
}

/**
 * Reads a query string's parameters (as Express parsed them: text, or a list of texts when a
 * parameter repeats) like a body: numbers and booleans from their text, lists also as `a,b`.
 * The problems name each parameter by its own name.
 */
export function readQuery<T>(query: unknown, readObject: (reader: ObjectReader) => T): T {
  const problems: FieldProblem[] = [];
  const params = isPlainObject(query) ? { ...query } : {};
  const result = readWith(params, '', problems, readObject, true);
  if (problems.length > 0) throw invalidInput(problems);
  return result;
}

function readWith<T>(
  value: Record<string, unknown>,
  path: string,
  problems: FieldProblem[],
  readObject: (reader: ObjectReader) => T,
  query = false,
): T {
  const reader = new ObjectReader(value, path, problems, query);
  const result = readObject(reader);
  reader.finish();
  return result;
}

function stringProblem(
  value: string,
  field: string,
  options: StringOptions,
): FieldProblem | undefined {
  if (options.minLength !== undefined && value.length < options.minLength)
    return {
      field,
      rule: 'minLength',
      message: `${field} must be at least ${options.minLength} character(s)`,
    };
  if (options.maxLength !== undefined && value.length > options.maxLength)
    return {
      field,
      rule: 'maxLength',
      message: `${field} must be at most ${options.maxLength} characters`,
    };
  if (options.pattern && !options.pattern.regex.test(value))
    return { field, rule: 'matches', message: `${field} must be ${options.pattern.describe}` };
  if (options.oneOf && !options.oneOf.includes(value))
    return { field, rule: 'oneOf', message: `${field} must be one of ${options.oneOf.join(', ')}` };
  return options.check?.(value, field);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
