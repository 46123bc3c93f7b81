import { fieldPath, type FieldProblem } from '@airlock/validation';
import { DECORATORS } from '@nestjs/swagger/dist/constants';

/** The shape of a value as the request sent it: objects and arrays by key, leaves as null or not. */
export type SentTree = 'null' | 'value' | SentTree[] | { [key: string]: SentTree };

/** What a DTO property's OpenAPI metadata says (what the document publishes for it). */
interface PropertyFacts {
  type?: unknown;
  isArray?: boolean;
  nullable?: boolean;
}

const BUILT_IN = new Set<unknown>([String, Number, Boolean, Object, Array, Date]);

/** A DTO class: something the document describes as an object of its own. */
export function isDeclaredClass(type: unknown): type is new () => object {
  return typeof type === 'function' && type.prototype !== undefined && !BUILT_IN.has(type);
}

/** Taken before validation: Nest's pipe deletes `__proto__`, `prototype` and `constructor` keys in place. */
export function sentTreeOf(value: unknown): SentTree {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map(sentTreeOf);
  if (typeof value !== 'object') return 'value';
  const record = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(record).map((key) => [key, sentTreeOf(record[key])]));
}

/**
 * What the document forbids and class-validator lets through, read from the DTO classes' OpenAPI
 * metadata against what the request sent:
 * - a key the class does not declare (class-transformer skips keys named like a member of
 *   Object.prototype — `toString`, `__proto__` — before the whitelist could see them);
 * - null where the field is not `nullable` (`@IsOptional` lets null pass to the service);
 * - a list where the field is one object (`@ValidateNested` validates a list's items).
 * Walks the declared nested classes, not free-form values.
 */
export function checkSentFields(sent: SentTree, value: unknown, path = ''): FieldProblem[] {
  if (Array.isArray(sent))
    return Array.isArray(value)
      ? sent.flatMap((item, i) => checkSentFields(item, value[i], fieldPath(path, i)))
      : [];
  if (typeof sent !== 'object' || !isRecord(value) || !isDeclaredClass(value.constructor))
    return [];
  const owner = value.constructor;
  return Object.keys(sent).flatMap((key): FieldProblem[] => {
    const at = fieldPath(path, key);
    if (!Object.prototype.hasOwnProperty.call(value, key)) return [unknownField(at)];
    const facts = propertyFacts(owner, key);
    const given = sent[key]!;
    if (given === 'null' && facts && !facts.nullable)
      return [{ field: at, rule: 'notNull', message: `${at} may not be null` }];
    if (Array.isArray(given) && facts && !facts.isArray && isDeclaredClass(typeOf(facts)))
      return [{ field: at, rule: 'type', message: `${at} must be an object, not a list` }];
    return checkSentFields(given, value[key], at);
  });
}

/** The problem of a field the request may not carry (what `whitelist` validation reports). */
export function unknownField(field: string): FieldProblem {
  return { field, rule: 'unknownField', message: `${field} is not a known field` };
}

function propertyFacts(owner: object, key: string): PropertyFacts | undefined {
  const prototype = (owner as { prototype: object }).prototype;
  return Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, key) as
    PropertyFacts | undefined;
}

/** `type: BuildBody`, or the lazy `type: () => BuildBody` that OpenAPI metadata also allows. */
function typeOf(facts: PropertyFacts): unknown {
  const { type } = facts;
  if (typeof type === 'function' && type.prototype === undefined) return (type as () => unknown)();
  return type;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
