import fc from 'fast-check';
import type { Demands } from './answer-oracle';
import { mutate, MUTATIONS } from './body-mutations';
import type { FuzzWorld, Role } from './fuzz-world';
import { toJsonText } from './json-text';
import type { WriteOperation } from './openapi-operations';
import type { RawRequest } from './raw-request';
import { valuesOf } from './schema-values';

/** One generated request and what it is sure to deserve. */
export interface Probe {
  note: string;
  request: RawRequest;
  demands: Demands;
}

/** The path with every parameter naming an existing resource (a spare one for DELETE). */
export function knownPath(op: WriteOperation, world: FuzzWorld): fc.Arbitrary<string> {
  if (op.params.length === 0) return fc.constant(op.template);
  const values = op.params.map(({ name, resource }) => {
    const known = (op.method === 'DELETE' ? world.spare : world.kept)[resource];
    if (!known?.length)
      throw new Error(`${op.label}: no known ${resource} for {${name}}; add one to the fuzz world`);
    return fc.constantFrom(...known.map(encodeURIComponent));
  });
  return fc.tuple(...values).map((filled) => fill(op, filled));
}

function fill(op: WriteOperation, values: string[]): string {
  let index = 0;
  return op.template.replace(/\{\w+\}/g, () => values[index++]!);
}

/** The token of the first role the operation names besides admin: CI routes are called by CI. */
export function tokenFor(op: WriteOperation, world: FuzzWorld): string {
  const role = op.roles.find((r) => r !== 'admin') ?? 'admin';
  return world.tokens[role as Role];
}

/** A body the operation's schema admits (undefined for an operation without one). */
export function validBody(op: WriteOperation, world: FuzzWorld): fc.Arbitrary<unknown> {
  return op.body ? valuesOf(op.body, world.hints) : fc.constant(undefined);
}

/** The request as a JSON client sends it; without a token, no Authorization header. */
export function jsonRequest(
  op: WriteOperation,
  path: string,
  token: string | undefined,
  body: unknown,
): RawRequest {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body === undefined) return { method: op.method, path, headers };
  return {
    method: op.method,
    path,
    headers: { ...headers, 'content-type': 'application/json' },
    body: Buffer.from(toJsonText(body)),
  };
}

/** Valid bodies broken one way each (body-mutations.ts), as application/json. */
export function bodyProbes(op: WriteOperation, world: FuzzWorld): fc.Arbitrary<Probe> {
  return fc
    .record({
      body: validBody(op, world),
      mutation: fc.constantFrom(...MUTATIONS),
      pick: fc.nat(),
      variant: fc.nat(),
      path: knownPath(op, world),
    })
    .map(({ body, mutation, pick, variant, path }) => {
      const hostile = mutate(mutation, body ?? {}, op.body, pick, variant);
      const request = jsonRequest(op, path, tokenFor(op, world), {});
      return {
        note: hostile.note,
        request: { ...request, body: Buffer.from(hostile.text) },
        demands: hostile,
      };
    });
}
