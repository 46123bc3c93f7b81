import type { ObjectSchema, Schema } from './openapi-operations';
import type { Segment } from './json-text';

/** A place in a body that holds a value: an object property or an array item. */
export interface Slot {
  path: Segment[];
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  /** What the document declares there; undefined inside a free-form object. */
  schema?: Schema;
  /** A field of a DTO (a component schema): the API checks its type and rules. */
  strict: boolean;
  required: boolean;
}

/** An object in a body; `strict` when it is a DTO, whose unknown fields are refused. */
export interface ObjectPlace {
  path: Segment[];
  value: Record<string, unknown>;
  schema?: ObjectSchema;
  strict: boolean;
}

export interface BodyPlaces {
  slots: Slot[];
  objects: ObjectPlace[];
}

/** Every slot and object of a generated body, with what the schema says about each. */
export function placesOf(body: unknown, schema: Schema | undefined): BodyPlaces {
  const places: BodyPlaces = { slots: [], objects: [] };
  walk(places, body, schema, [], false);
  return places;
}

function walk(
  places: BodyPlaces,
  value: unknown,
  schema: Schema | undefined,
  path: Segment[],
  strict: boolean,
): void {
  if (Array.isArray(value)) {
    const items = schema?.kind === 'array' ? schema.items : undefined;
    value.forEach((item, index) => {
      const at = [...path, index];
      places.slots.push({
        path: at,
        holder: value,
        key: index,
        schema: items,
        strict,
        required: false,
      });
      walk(places, item, items, at, strict);
    });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  const object = schema?.kind === 'object' && !schema.freeForm ? schema : undefined;
  const dto = object?.component !== undefined;
  places.objects.push({ path, value: record, schema: object, strict: dto });
  for (const key of Object.keys(record)) {
    const child = object?.properties[key];
    const at = [...path, key];
    places.slots.push({
      path: at,
      holder: record,
      key,
      schema: child,
      strict: dto && child !== undefined,
      required: object?.required.includes(key) ?? false,
    });
    walk(places, record[key], child, at, dto && child !== undefined);
  }
}

/** The `pick`-th element of the list that passes the filter, if any. */
export function choose<T>(
  list: T[],
  pick: number,
  filter: (item: T) => boolean = () => true,
): T | undefined {
  const candidates = list.filter(filter);
  return candidates.length === 0 ? undefined : candidates[pick % candidates.length];
}
