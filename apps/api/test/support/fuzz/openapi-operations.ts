/** A JSON Schema of the OpenAPI document with its `$ref`s and `allOf`s resolved. */
export type Schema =
  | ObjectSchema
  | {
      kind: 'string';
      nullable: boolean;
      enum?: string[];
      pattern?: string;
      minLength?: number;
      maxLength?: number;
      format?: string;
    }
  | { kind: 'number'; nullable: boolean; minimum?: number; maximum?: number }
  | { kind: 'boolean'; nullable: boolean }
  | { kind: 'array'; nullable: boolean; items: Schema; maxItems?: number };

export interface ObjectSchema {
  kind: 'object';
  nullable: boolean;
  /** The component it was declared as: a DTO class, whose unknown fields the API refuses. */
  component?: string;
  properties: Record<string, Schema>;
  required: string[];
  /** `additionalProperties: true` without declared properties: any JSON object is valid. */
  freeForm: boolean;
}

export interface PathParameter {
  name: string;
  /** The collection the parameter names a member of: the path segment before it. */
  resource: string;
}

/** One write operation (POST, PUT, PATCH, DELETE) of the OpenAPI document. */
export interface WriteOperation {
  method: string;
  template: string;
  label: string;
  params: PathParameter[];
  body?: Schema;
  bodyRequired: boolean;
  /** The roles allowed, as the document states them (admin passes every role check). */
  roles: string[];
}

interface RawSchema {
  $ref?: string;
  allOf?: RawSchema[];
  type?: string;
  nullable?: boolean;
  enum?: string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  format?: string;
  minimum?: number;
  maximum?: number;
  items?: RawSchema;
  maxItems?: number;
  properties?: Record<string, RawSchema>;
  required?: string[];
  additionalProperties?: boolean;
}

interface RawOperation {
  description?: string;
  requestBody?: { required?: boolean; content: Record<string, { schema: RawSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, RawSchema> };
}

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'];
const ROLES_LINE = /\*\*Roles\*\*: (?:any \()?([a-z, ]+)\)?\./;

/** Every write operation of the document, in its order. */
export function writeOperations(document: OpenApiDocument): WriteOperation[] {
  return Object.entries(document.paths).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([method]) => WRITE_METHODS.includes(method))
      .map(([method, operation]) =>
        toOperation(document, method.toUpperCase(), template, operation),
      ),
  );
}

function toOperation(
  document: OpenApiDocument,
  method: string,
  template: string,
  operation: RawOperation,
): WriteOperation {
  const bodySchema = operation.requestBody?.content['application/json']?.schema;
  const roles = ROLES_LINE.exec(operation.description ?? '')?.[1];
  if (roles === undefined) throw new Error(`${method} ${template} states no roles`);
  return {
    method,
    template,
    label: `${method} ${template}`,
    params: [...template.matchAll(/([^/]+)\/\{(\w+)\}/g)].map(([, resource, name]) => ({
      name: name!,
      resource: resource!,
    })),
    body: bodySchema ? resolve(document, bodySchema) : undefined,
    bodyRequired: operation.requestBody?.required === true,
    roles: roles.split(',').map((role) => role.trim()),
  };
}

function resolve(document: OpenApiDocument, raw: RawSchema, component?: string): Schema {
  if (raw.$ref) {
    const name = raw.$ref.replace('#/components/schemas/', '');
    const target = document.components.schemas[name];
    if (!target) throw new Error(`no schema ${raw.$ref}`);
    return withNullable(resolve(document, target, name), raw.nullable);
  }
  if (raw.allOf?.length === 1) return withNullable(resolve(document, raw.allOf[0]!), raw.nullable);
  const nullable = raw.nullable === true;
  switch (raw.type) {
    case 'object':
      return {
        kind: 'object',
        nullable,
        component,
        properties: Object.fromEntries(
          Object.entries(raw.properties ?? {}).map(([key, value]) => [
            key,
            resolve(document, value),
          ]),
        ),
        required: raw.required ?? [],
        freeForm: raw.additionalProperties === true && !raw.properties,
      };
    case 'string': {
      const { enum: values, pattern, minLength, maxLength, format } = raw;
      return { kind: 'string', nullable, enum: values, pattern, minLength, maxLength, format };
    }
    case 'number':
    case 'integer':
      return { kind: 'number', nullable, minimum: raw.minimum, maximum: raw.maximum };
    case 'boolean':
      return { kind: 'boolean', nullable };
    case 'array':
      if (!raw.items) throw new Error('an array schema without items');
      return {
        kind: 'array',
        nullable,
        items: resolve(document, raw.items),
        maxItems: raw.maxItems,
      };
    default:
      throw new Error(`a schema this tier cannot generate: ${JSON.stringify(raw)}`);
  }
}

function withNullable(schema: Schema, nullable: boolean | undefined): Schema {
  return nullable ? { ...schema, nullable: true } : schema;
}
