import type { BodyPlaces } from './body-slots';
import type { Schema } from './openapi-operations';

/** The one answer a request may get, when only one is right. */
export interface Expectation {
  status: number;
  code: string;
  field?: string;
  rule?: string;
}

/** A request body and what the API must make of it. */
export interface HostileBody {
  /** What was done to the valid body, for the failure message. */
  note: string;
  text: string;
  /** Why the API must refuse it (answer a 4xx), when it must. */
  mustRefuse?: string;
  expect?: Expectation;
}

/** A valid body about to be broken; `pick` chooses where, `variant` how. */
export interface Mutable {
  body: unknown;
  schema?: Schema;
  places: BodyPlaces;
  pick: number;
  variant: number;
}

export type Mutator = (m: Mutable) => HostileBody;

export const invalid = (field?: string, rule?: string): Expectation => ({
  status: 400,
  code: 'INVALID_INPUT',
  field,
  rule,
});

export function show(path: (string | number)[]): string {
  return path.length === 0 ? 'the body' : JSON.stringify(path.join('.'));
}
