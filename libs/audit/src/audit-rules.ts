import { fieldProblem, readQuery, type FieldProblem } from '@airlock/validation';
import { AUDIT_ACTION_PATTERN, AUDIT_PAGE_LIMIT, type AuditFilters } from './audit-entry';

export const AUDIT_SUBJECT_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
export const AUDIT_SUBJECT_ID_MAX_LENGTH = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR = /^[1-9]\d{0,17}$/;
// A date, or a date and time with seconds optional, fractions and an offset (Z or ±hh:mm).
const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** The audit log's filters as the query string gives them: every problem at once. */
export function readAuditQuery(query: unknown): AuditFilters & { limit: number } {
  return readQuery(query, (r) => {
    const filters = {
      actor: r.string('actor', {
        check: (value, field) =>
          UUID.test(value)
            ? undefined
            : fieldProblem(field, 'uuid', `${field} must be a token id (a UUID)`),
      }),
      action: r.string('action', {
        pattern: { regex: AUDIT_ACTION_PATTERN, describe: '<subject>.<verb>, e.g. token.created' },
      }),
      subjectType: r.string('subjectType', {
        pattern: { regex: AUDIT_SUBJECT_TYPE_PATTERN, describe: 'snake_case, e.g. api_token' },
      }),
      subjectId: r.string('subjectId', { minLength: 1, maxLength: AUDIT_SUBJECT_ID_MAX_LENGTH }),
      since: instant(r.string('since', { check: dateTimeProblem })),
      until: instant(r.string('until', { check: dateTimeProblem })),
      cursor: r.string('cursor', {
        check: (value, field) =>
          CURSOR.test(value)
            ? undefined
            : fieldProblem(field, 'cursor', `${field} must be the nextCursor of a previous page`),
      }),
      limit: r.integer('limit', { min: 1, max: AUDIT_PAGE_LIMIT.max }) ?? AUDIT_PAGE_LIMIT.default,
    };
    // The subject index starts with the type: an id alone would be a scan of the whole log.
    if (filters.subjectId !== undefined && !r.has('subjectType'))
      r.problem('subjectType', 'required', 'subjectType is required when subjectId is given');
    return filters;
  });
}

/** An ISO 8601 date or date-time naming a real instant (no 30 February). */
function dateTimeProblem(value: string, field: string): FieldProblem | undefined {
  const time = Date.parse(value);
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const real =
    DATE_TIME.test(value) &&
    !Number.isNaN(time) &&
    day! <= new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return real
    ? undefined
    : fieldProblem(
        field,
        'dateTime',
        `${field} must be an ISO 8601 date-time, e.g. 2030-01-02T03:04:05Z`,
      );
}

function instant(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
}
