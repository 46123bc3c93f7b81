import type { Schemas } from './client';

export type Role = Schemas['PrincipalView']['role'];
export type Principal = Schemas['PrincipalView'];

interface Permission {
  roles: readonly Role[];
  /** Says who may, completed with the signed-in role: "Only … (you are reader)". */
  who: string;
}

/**
 * What each role may do in the UI (README, "Authentication"; admin passes every role check).
 * Checking a registry's connection is open to every token in the API; the UI keeps it to admins,
 * who own registries.
 */
export const PERMISSIONS = {
  approve: { roles: ['admin', 'approver'], who: 'Only approvers and admins can approve' },
  promote: { roles: ['admin', 'ci'], who: 'Only CI and admin tokens can promote' },
  cancel: {
    roles: ['admin', 'ci', 'approver'],
    who: 'Only CI, approver and admin tokens can cancel',
  },
  retry: { roles: ['admin', 'ci'], who: 'Only CI and admin tokens can retry' },
  checkRegistry: { roles: ['admin'], who: 'Only admins can check a connection' },
  readAudit: { roles: ['admin', 'reader'], who: 'Only admins and readers can read the audit log' },
} as const satisfies Record<string, Permission>;

export type Action = keyof typeof PERMISSIONS;

/** Null when `role` may do `action`; otherwise why not, in words. */
export function refusal(action: Action, role: Role | undefined): string | null {
  const permission: Permission = PERMISSIONS[action];
  if (role && permission.roles.includes(role)) return null;
  return `${permission.who} (you are ${role ?? 'signed out'})`;
}
