/**
 * Who did something: the token and its name, and the request it came in on. The API builds it
 * from the authenticated principal and the request id; code outside HTTP (startup, jobs) uses
 * `systemActor`. Passed explicitly — there is no ambient request context.
 */
export interface AuditActor {
  tokenId: string | null;
  name: string;
  requestId?: string;
}

export interface AuditSubject {
  /** The kind of thing changed, singular snake_case: `api_token`, `registry`, `policy`. */
  type: string;
  id?: string | null;
}

/** One change to record. `before`/`after` are scrubbed of secret-looking keys before storing. */
export interface AuditEntry {
  actor: AuditActor;
  /** `<subject>.<past-tense verb>`: `token.created`, `token.revoked`, `promotion.requested`. */
  action: string;
  subject: AuditSubject;
  before?: object | null;
  after?: object | null;
}

export interface AuditFilters {
  /** Actor token id. */
  actor?: string;
  action?: string;
  subjectType?: string;
  /** Only together with subjectType (that is the index). */
  subjectId?: string;
  since?: Date;
  until?: Date;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  limit?: number;
}

export const AUDIT_PAGE_LIMIT = { default: 50, max: 500 } as const;
export const AUDIT_ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** The actor for changes Airlock makes by itself (startup, schedulers). */
export function systemActor(task: string): AuditActor {
  return { tokenId: null, name: `system:${task}` };
}
