/**
 * What a token may do is decided by its one role (the `api_tokens.role` CHECK constraint allows
 * exactly these):
 * - `admin`: everything, including managing tokens; always allowed, whatever a route requires.
 * - `ci`: what a build pipeline does (register images, record gate results, request promotions).
 * - `approver`: record approvals (four-eyes gates).
 * - `reader`: read, the audit log included; never change anything.
 */
export const ROLES = ['admin', 'ci', 'approver', 'reader'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** `required` empty means "any authenticated token". Admin passes every check. */
export function roleAllows(role: Role, required: readonly Role[]): boolean {
  return role === 'admin' || required.length === 0 || required.includes(role);
}

/** The roles that pass a check, for messages and documentation: `admin` first, always present. */
export function rolesPassing(required: readonly Role[]): Role[] {
  return required.length === 0 ? [...ROLES] : ['admin', ...required.filter((r) => r !== 'admin')];
}
