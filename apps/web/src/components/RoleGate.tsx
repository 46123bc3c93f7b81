import { useId, type ReactNode } from 'react';
import { refusal, type Action } from '../api/roles';
import { useSession } from '../session';

/** Why the signed-in principal may not do `action`, or null when it may. */
export function useRefusal(action: Action): string | null {
  return refusal(action, useSession().principal?.role);
}

/**
 * A button for an action some roles may not take: disabled for them, saying why next to it.
 * `blocked` disables it for another reason (the state of the thing), said the same way.
 */
export function RoleButton({
  action,
  blocked,
  busy = false,
  onClick,
  type = 'button',
  children,
}: {
  action: Action;
  blocked?: string | null;
  busy?: boolean;
  onClick?: () => void;
  type?: 'button' | 'submit';
  children: ReactNode;
}) {
  const why = useRefusal(action) ?? blocked ?? null;
  return (
    <Disabled why={why}>
      {(describedBy) => (
        <button
          type={type}
          onClick={onClick}
          disabled={why !== null || busy}
          aria-describedby={describedBy}
          aria-busy={busy || undefined}
        >
          {children}
        </button>
      )}
    </Disabled>
  );
}

/** A control and, when it is disabled, the reason next to it (its accessible description). */
export function Disabled({
  why,
  children,
}: {
  why: string | null;
  children: (describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  return (
    <span className="gated">
      {children(why ? id : undefined)}
      {why && (
        <small id={id} className="why">
          {why}
        </small>
      )}
    </span>
  );
}
