import { choose, placesOf, type Slot } from './body-slots';
import { fieldName, nested, RawJson, setOwn, toJsonText } from './json-text';
import {
  invalid,
  show,
  type Expectation,
  type HostileBody,
  type Mutable,
  type Mutator,
} from './mutation';
import type { Schema } from './openapi-operations';
import { TEXT_MUTATIONS } from './text-mutations';

export type { Expectation, HostileBody } from './mutation';

/** Keys a DTO does not declare: Object.prototype's members, the empty key, non-ASCII. */
const UNKNOWN_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const OTHER_KEYS = ['isAdmin', 'prototype', '', '名前', 'a.b', '$where'];
const DEEP = 40;

const isString = (s: Slot) => typeof s.holder[s.key as never] === 'string';
const slot = (m: Mutable, filter: (s: Slot) => boolean) => choose(m.places.slots, m.pick, filter);
const result = (m: Mutable, note: string, mustRefuse?: string, expect?: Expectation) => ({
  note,
  text: toJsonText(m.body),
  mustRefuse,
  expect,
});

function set(target: Slot, value: unknown): void {
  if (Array.isArray(target.holder)) target.holder[target.key as number] = value;
  else setOwn(target.holder, target.key as string, value);
}

function none(m: Mutable): HostileBody {
  return result(m, 'valid');
}

function unknownField(m: Mutable): HostileBody {
  const object = choose(m.places.objects, m.pick) ?? { path: [], value: {}, strict: false };
  const keys = [...UNKNOWN_KEYS, ...OTHER_KEYS];
  const key = keys[m.variant % keys.length]!;
  setOwn(object.value, key, m.variant % 2 === 0 ? 1 : { admin: true });
  const field = fieldName([...object.path, key]);
  const where = `${JSON.stringify(key)} at ${show(object.path)}`;
  if (!object.strict) return result(m, `extra field ${where} of a free-form object`);
  const expect = field ? invalid(field, 'unknownField') : undefined;
  return result(m, `unknown field ${where}`, 'a DTO has no such field', expect);
}

function nulString(m: Mutable): HostileBody {
  const target = slot(m, isString);
  if (!target) return nulKey(m);
  const value = target.holder[target.key as never] as string;
  const at = m.variant % (value.length + 1);
  set(target, `${value.slice(0, at)}\u0000${value.slice(at)}`);
  const expect = invalid(fieldName(target.path), 'noNul');
  return result(m, `NUL in ${show(target.path)}`, 'no string may hold NUL', expect);
}

function nulKey(m: Mutable): HostileBody {
  const object = choose(m.places.objects, m.pick) ?? { path: [], value: m.body as object };
  setOwn(object.value, `k\u0000${m.variant % 10}`, 1);
  const expect = invalid(undefined, 'noNul');
  return result(m, `NUL in a key at ${show(object.path)}`, 'no key may hold NUL', expect);
}

function wrongType(m: Mutable): HostileBody {
  const target = slot(m, (s) => s.strict && !(s.schema?.kind === 'object' && s.schema.freeForm));
  if (!target?.schema) return unknownField(m);
  // The value itself inside an array is the subtle one: an array of valid objects for an object.
  const wrong = [...WRONG_VALUES[target.schema.kind], [target.holder[target.key as never]]];
  const value = wrong[m.variant % wrong.length];
  set(target, value);
  const note = `${show(target.path)} (${target.schema.kind}) = ${toJsonText(value)}`;
  return result(m, note, 'the document declares another type', invalid(fieldName(target.path)));
}

function nullValue(m: Mutable): HostileBody {
  const target = slot(m, (s) => s.strict && s.schema !== undefined && !s.schema.nullable);
  if (!target) return TEXT_MUTATIONS.notAnObject(m);
  set(target, null);
  // The readers refuse null wherever the field is not nullable (`notNull`), optional or not; this
  // tier demands the refusal of a required field only.
  if (!target.required) return result(m, `optional ${show(target.path)} = null`);
  const expect = invalid(fieldName(target.path));
  return result(m, `required ${show(target.path)} = null`, 'a required field is null', expect);
}

function missingRequired(m: Mutable): HostileBody {
  const target = slot(m, (s) => s.required && !Array.isArray(s.holder));
  if (!target) return wrongType(m);
  delete (target.holder as Record<string, unknown>)[target.key];
  const expect = invalid(fieldName(target.path));
  return result(m, `without ${show(target.path)}`, 'a required field is missing', expect);
}

function numberOutOfRange(m: Mutable): HostileBody {
  const target = slot(m, (s) => s.strict && s.schema?.kind === 'number');
  if (target?.schema?.kind !== 'number') return hugeString(m);
  const { minimum: min, maximum: max } = target.schema;
  const values: unknown[] = [new RawJson('1e309'), new RawJson('-1e309')];
  if (min !== undefined) values.push(min - 1, -1e20);
  if (max !== undefined) values.push(max + 1, 1e20);
  const value = values[m.variant % values.length];
  set(target, value);
  const note = `${show(target.path)} = ${toJsonText(value)}`;
  return result(m, note, 'out of range (or Infinity)', invalid(fieldName(target.path)));
}

function stringBreaksRule(m: Mutable): HostileBody {
  const target = slot(
    m,
    (s) => s.strict && s.schema?.kind === 'string' && breaking(s.schema).length > 0,
  );
  if (target?.schema?.kind !== 'string') return wrongType(m);
  const candidates = breaking(target.schema);
  const value = candidates[m.variant % candidates.length]!;
  set(target, value);
  const note = `${show(target.path)} = ${JSON.stringify(value.slice(0, 40))} (${value.length} chars)`;
  return result(m, note, 'breaks its enum, pattern or length', invalid(fieldName(target.path)));
}

function hugeString(m: Mutable): HostileBody {
  const target = slot(m, isString);
  if (!target) return unknownField(m);
  const value = ['x'.repeat(200_000), '𝔘'.repeat(60_000), 'é\u200b'.repeat(50_000)][m.variant % 3]!;
  set(target, value);
  const note = `${show(target.path)}: ${value.length} UTF-16 units`;
  const max = target.schema?.kind === 'string' ? target.schema.maxLength : undefined;
  if (max === undefined || !target.strict) return result(m, note);
  return result(m, note, `longer than maxLength ${max}`, invalid(fieldName(target.path)));
}

function deepValue(m: Mutable): HostileBody {
  const target = slot(m, () => true);
  const depth = DEEP + (m.variant % 20);
  const value = nested(depth, m.variant % 2 === 0);
  if (target) set(target, value);
  else setOwn(m.body as object, 'deep', value);
  const note = `${show(target?.path ?? ['deep'])} nested ${depth} deep`;
  return result(m, note, 'nested deeper than 32', invalid(undefined, 'maxDepth'));
}

function hugeArray(m: Mutable): HostileBody {
  const target = slot(m, (s) => Array.isArray(s.holder[s.key as never]));
  if (!target) return deepValue(m);
  const items = target.holder[target.key as never] as unknown[];
  const length = 5000 + (m.variant % 20000);
  set(
    target,
    Array.from({ length }, () => items[0] ?? 'x'),
  );
  const note = `${show(target.path)}: ${length} items`;
  const max = target.schema?.kind === 'array' ? target.schema.maxItems : undefined;
  if (max === undefined) return result(m, note);
  return result(m, note, `more than maxItems ${max}`, invalid(fieldName(target.path)));
}

function loneSurrogate(m: Mutable): HostileBody {
  const target = slot(m, isString);
  if (!target) return result(m, 'valid (no string)');
  const value = target.holder[target.key as never] as string;
  set(target, `${value}${m.variant % 2 ? '\ud800' : '\udfff'}`);
  return result(m, `a lone surrogate in ${show(target.path)}`);
}

const VALUE_MUTATIONS: Record<string, Mutator> = {
  none,
  unknownField,
  nulString,
  nulKey,
  wrongType,
  nullValue,
  missingRequired,
  numberOutOfRange,
  stringBreaksRule,
  hugeString,
  deepValue,
  hugeArray,
  loneSurrogate,
};

export const MUTATIONS = [...Object.keys(VALUE_MUTATIONS), ...Object.keys(TEXT_MUTATIONS)];

/**
 * `body` (a valid body of `schema`) broken one way. `pick` and `variant` choose where and how,
 * so the same generated numbers always break the same body the same way.
 */
export function mutate(
  mutation: string,
  body: unknown,
  schema: Schema | undefined,
  pick: number,
  variant: number,
): HostileBody {
  const mutator =
    VALUE_MUTATIONS[mutation] ?? TEXT_MUTATIONS[mutation as keyof typeof TEXT_MUTATIONS];
  if (!mutator) throw new Error(`no mutation ${mutation}`);
  return overTheLimit(mutator({ body, schema, places: placesOf(body, schema), pick, variant }));
}

/** The API's default AIRLOCK_HTTP_BODY_LIMIT (1mb, as body-parser counts it). */
const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * A body over the size limit is refused before anything reads it (413), whatever else is wrong
 * with it: a huge array of long items may cross the limit (seed 1004657353).
 */
function overTheLimit(hostile: HostileBody): HostileBody {
  if (Buffer.byteLength(hostile.text) <= BODY_LIMIT_BYTES) return hostile;
  return {
    ...hostile,
    mustRefuse: 'the body is over the size limit',
    expect: { status: 413, code: 'PAYLOAD_TOO_LARGE', field: 'body', rule: 'maxSize' },
  };
}

/** Values of every other JSON type (never null: see nullValue). */
const WRONG_VALUES: Record<Schema['kind'], unknown[]> = {
  string: [1, true, {}, ['x'], 1.5],
  number: ['1', true, {}, [1], 'NaN'],
  boolean: ['true', 1, 0, {}, []],
  object: ['x', 1, true, [{}]],
  array: ['x', 1, true, {}],
};

/** Strings that break the schema's enum, pattern or length rules. */
function breaking(schema: Extract<Schema, { kind: 'string' }>): string[] {
  const values: string[] = [];
  if (schema.enum) values.push('not-one-of-them', `${schema.enum[0]!.toUpperCase()}!`, '');
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    const candidates = [
      'UPPER CASE!',
      '-x',
      '',
      ' ',
      '../x',
      'é',
      'a\nb',
      `sha256:${'A'.repeat(64)}`,
    ];
    values.push(...candidates.filter((v) => !pattern.test(v)));
  }
  if (schema.maxLength !== undefined) values.push('a'.repeat(schema.maxLength + 1));
  if (schema.minLength !== undefined && schema.minLength > 0) values.push('');
  return values;
}
