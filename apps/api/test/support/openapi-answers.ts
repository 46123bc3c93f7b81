import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Schema = Record<string, unknown>;

interface Operation {
  method: string;
  pattern: RegExp;
  template: string;
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

const BASE = 'openapi.json';

/**
 * Holds every JSON answer of the e2e suite to its operation's schema in the API's own OpenAPI
 * document: an answer with a field the document lacks, without one it requires, or of another
 * type fails the test that got it. Objects are closed (`additionalProperties: false` where the
 * document lists properties), so the document describes answers exactly, not loosely; OpenAPI
 * 3.0's `nullable` becomes JSON Schema's `null` type.
 */
export class OpenApiAnswers {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly operations: Operation[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: {
    paths: Record<string, Record<string, Operation['responses'] | unknown>>;
    components: { schemas: Record<string, Schema> };
  }) {
    addFormats(this.ajv);
    const schemas = Object.fromEntries(
      Object.entries(document.components.schemas).map(([name, schema]) => [
        name,
        // A problem carries its code's extensions (missing, violations, conflicts…) beside its fields.
        name === 'Problem' ? schema : closeAll(schema),
      ]),
    );
    this.ajv.addSchema({ $id: BASE, components: { ...document.components, schemas } });
    this.operations = Object.entries(document.paths).flatMap(([template, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        responses: (operation as { responses?: Operation['responses'] }).responses ?? {},
      })),
    );
  }

  /** Throws, naming the operation and every mismatch, when `body` is not what the document says. */
  check(method: string, url: string, status: number, contentType: string, body: unknown): void {
    const path = new URL(url, 'http://x').pathname;
    const operation = this.operations.find((o) => o.method === method && o.pattern.test(path));
    if (!operation) return; // not an API route (the docs UI, /metrics): nothing to hold it to
    const mediaType = contentType.split(';')[0]!.trim();
    const response = operation.responses[String(status)];
    const schema =
      response?.content?.[mediaType]?.schema ??
      // Every route may answer these with a problem, documented or not.
      (mediaType === 'application/problem+json'
        ? { $ref: '#/components/schemas/Problem' }
        : undefined);
    if (!schema) {
      if (body === undefined) return;
      throw new Error(
        `${method} ${operation.template} answered ${status} ${mediaType}, which the document does not describe`,
      );
    }
    const validate = this.validatorFor(
      `${method} ${operation.template} ${status} ${mediaType}`,
      schema,
    );
    if (validate(body)) return;
    const problems = (validate.errors ?? [])
      .map(
        (e) =>
          `${e.instancePath || '(answer)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
      )
      .join('; ');
    throw new Error(
      `${method} ${operation.template} ${status}: the answer does not match the document: ${problems}\n` +
        JSON.stringify(body).slice(0, 2000),
    );
  }

  private validatorFor(key: string, schema: Schema): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(closeAll(rebase(schema)) as Schema);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/** `#/components/…` references, made to point into the document added under BASE. */
function rebase(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, `"${BASE}#/components/`));
}

/** Closes every object that lists its properties, and turns `nullable` into a null alternative. */
function closeAll<T>(value: T): T {
  if (Array.isArray(value)) return value.map(closeAll) as T;
  if (typeof value !== 'object' || value === null) return value;
  const schema = Object.fromEntries(
    Object.entries(value as Schema).map(([key, child]) => [key, closeAll(child)]),
  ) as Schema;
  if (schema.properties && schema.additionalProperties === undefined && schema.type === 'object')
    schema.additionalProperties = false;
  if (schema.nullable === true) {
    const { nullable: _, ...rest } = schema;
    return { anyOf: [{ type: 'null' }, rest] } as T;
  }
  return schema as T;
}
