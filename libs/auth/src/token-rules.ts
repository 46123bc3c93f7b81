import { readInput, readQuery, type StringOptions } from '@airlock/validation';
import { ROLES, type Role } from './roles';

/** The name of the token Airlock creates for itself at first start (or from AIRLOCK_ADMIN_TOKEN). */
export const BOOTSTRAP_TOKEN_NAME = 'bootstrap-admin';
export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const MAX_TOKEN_NAME_LENGTH = 64;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TOKEN_NAME: StringOptions = {
  minLength: 1,
  maxLength: MAX_TOKEN_NAME_LENGTH,
  pattern: {
    regex: TOKEN_NAME_PATTERN,
    describe: 'a letter or digit, then letters, digits, ".", "_" or "-"',
  },
};

export interface NewTokenRequest {
  name: string;
  role: Role;
}

/** A `POST /tokens` body: who uses the token and its role; the bootstrap name is Airlock's. */
export function readNewToken(input: unknown): NewTokenRequest {
  return readInput(input, (r) => {
    const name = r.string('name', { required: true, ...TOKEN_NAME })!;
    if (name === BOOTSTRAP_TOKEN_NAME)
      r.problem(
        'name',
        'reserved',
        `name "${BOOTSTRAP_TOKEN_NAME}" is reserved for the token Airlock creates itself`,
      );
    return { name, role: r.string('role', { required: true, oneOf: ROLES })! as Role };
  });
}

/** A token id as the path gives it: a 400 naming `id` when it is no UUID. */
export function checkTokenId(id: unknown): string {
  return readQuery({ id }, (r) =>
    r.string('id', {
      required: true,
      check: (value, field) =>
        UUID.test(value)
          ? undefined
          : { field, rule: 'uuid', message: `${field} must be a token id (a UUID)` },
    })!,
  );
}
