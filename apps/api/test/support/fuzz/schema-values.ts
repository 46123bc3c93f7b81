import fc from 'fast-check';
import type { ObjectSchema, Schema } from './openapi-operations';

/**
 * Values that name things of the seeded world, by field: `Component.field` first, then `field`
 * (`field[]` for an array's items).
 * Without them a generated body names registries, stages and digests nobody created, and every
 * request ends in a 404 before the interesting code runs.
 */
export type ValueHints = Record<string, fc.Arbitrary<unknown>>;

/** JSON values the schema admits (as far as a schema can say), named from the hints where given. */
export function valuesOf(
  schema: Schema,
  hints: ValueHints,
  keys: string[] = [],
): fc.Arbitrary<unknown> {
  const hint = keys.map((key) => hints[key]).find((arbitrary) => arbitrary !== undefined);
  const value = hint ?? fromSchema(schema, hints, keys);
  return schema.nullable && !hint
    ? fc.oneof({ weight: 4, arbitrary: value }, fc.constant(null))
    : value;
}

function fromSchema(schema: Schema, hints: ValueHints, keys: string[]): fc.Arbitrary<unknown> {
  switch (schema.kind) {
    case 'object':
      return schema.freeForm ? freeFormObject() : objectOf(schema, hints);
    case 'string':
      return stringOf(schema);
    case 'number':
      return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 50, 50) });
    case 'boolean':
      return fc.boolean();
    case 'array':
      // Items are hinted as `field[]`: `registries[]` names one registry.
      // Unique items: several lists refuse repeats, and a valid body should get past validation.
      return fc.uniqueArray(
        valuesOf(
          schema.items,
          hints,
          keys.map((key) => `${key}[]`),
        ),
        {
          maxLength: Math.min(schema.maxItems ?? 3, 3),
          selector: (item) => JSON.stringify(item),
        },
      );
  }
}

function objectOf(schema: ObjectSchema, hints: ValueHints): fc.Arbitrary<unknown> {
  const owner = schema.component ?? 'inline';
  const model = Object.fromEntries(
    Object.entries(schema.properties).map(([key, value]) => [
      key,
      valuesOf(value, hints, [`${owner}.${key}`, key]),
    ]),
  );
  return fc.record(model, { requiredKeys: schema.required, noNullPrototype: true });
}

function stringOf(schema: Extract<Schema, { kind: 'string' }>): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.format === 'uuid') return fc.uuid();
  const maxLength = Math.min(schema.maxLength ?? 24, 24);
  if (schema.pattern)
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter(
        (value) =>
          value.length <= (schema.maxLength ?? Infinity) && value.length >= (schema.minLength ?? 0),
      );
  return fc.string({ minLength: schema.minLength ?? 1, maxLength });
}

/** A small free-form JSON object (gate details). */
function freeFormObject(): fc.Arbitrary<unknown> {
  return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
    maxKeys: 4,
    noNullPrototype: true,
  });
}
