import { ERROR_CODE_FACTS } from '@airlock/errors';
import type { Expectation } from './body-mutations';
import type { RawAnswer } from './raw-request';

/** What a request is sure to deserve, beyond the rules every answer follows. */
export interface Demands {
  /** Why the API must refuse it (a 4xx), when it must. */
  mustRefuse?: string;
  expect?: Expectation;
  /** The X-Request-Id sent, if any. */
  requestId?: string;
}

interface ProblemBody {
  status?: unknown;
  code?: unknown;
  requestId?: unknown;
  errors?: unknown;
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Everything wrong with an answer (empty when nothing is): no 5xx; every error is problem+json
 * with a known `code` whose status (docs/api-errors.md) is the HTTP status; a 400 names each
 * field and rule; a request that must be refused is; a request id is echoed when sane.
 */
export function judge(answer: RawAnswer, demands: Demands): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`a ${answer.status}: no input may reach a 5xx`);
  if (answer.status >= 400) problems.push(...problemShape(answer));
  if (demands.mustRefuse && answer.status < 400)
    problems.push(`accepted (${answer.status}) although ${demands.mustRefuse}`);
  if (demands.expect) problems.push(...expected(answer, demands.expect));
  problems.push(...requestIdProblems(answer, demands.requestId));
  return problems;
}

function problemShape(answer: RawAnswer): string[] {
  const type = String(answer.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json'))
    return [`an error answered as ${type || 'no content type'}, not problem+json`];
  const body = parse(answer.text);
  if (!body) return ['a problem+json answer that is not a JSON object'];
  const problems: string[] = [];
  const facts =
    typeof body.code === 'string'
      ? ERROR_CODE_FACTS[body.code as keyof typeof ERROR_CODE_FACTS]
      : undefined;
  if (!facts)
    problems.push(`code ${JSON.stringify(body.code)} is not an error code of libs/errors`);
  else if (facts.status !== answer.status)
    problems.push(`code ${String(body.code)} answers ${facts.status}, not ${answer.status}`);
  if (body.status !== answer.status)
    problems.push(`problem status ${JSON.stringify(body.status)} ≠ HTTP ${answer.status}`);
  if (answer.status === 400 && !fieldProblems(body.errors))
    problems.push('a 400 without errors: [{field, rule, message}]');
  return problems;
}

function fieldProblems(errors: unknown): errors is Array<{ field: string; rule: string }> {
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((e: Record<string, unknown>) =>
      ['field', 'rule', 'message'].every((key) => typeof e?.[key] === 'string'),
    )
  );
}

function expected(answer: RawAnswer, expect: Expectation): string[] {
  const body = parse(answer.text);
  const problems: string[] = [];
  if (answer.status !== expect.status || body?.code !== expect.code)
    problems.push(
      `expected ${expect.status} ${expect.code}, got ${answer.status} ${String(body?.code)}`,
    );
  else if (expect.field !== undefined || expect.rule !== undefined) {
    const named = fieldProblems(body.errors)
      ? body.errors.some(
          (e) =>
            names(e.field, expect.field) && (expect.rule === undefined || e.rule === expect.rule),
        )
      : false;
    if (!named)
      problems.push(
        `expected errors to name ${JSON.stringify({ field: expect.field, rule: expect.rule })}`,
      );
  }
  return problems;
}

/**
 * Whether a problem's field names the expected one: the field itself, a part of it
 * (`archive[0].registry` for a broken `archive`), or the array it is an item of (`each: true`
 * rules name `registries` for a bad `registries[1]`).
 */
function names(field: string, expected: string | undefined): boolean {
  if (expected === undefined || field === expected) return true;
  return (
    field.startsWith(`${expected}.`) ||
    field.startsWith(`${expected}[`) ||
    expected.startsWith(`${field}[`)
  );
}

function requestIdProblems(answer: RawAnswer, sent: string | undefined): string[] {
  const id = answer.headers['x-request-id'];
  if (typeof id !== 'string' || !SANE_REQUEST_ID.test(id))
    return [`X-Request-Id ${JSON.stringify(id)} is not a sane id`];
  if (sent !== undefined && SANE_REQUEST_ID.test(sent) && id !== sent)
    return [`a sane X-Request-Id ${sent} came back as ${id}`];
  const requestId = answer.status >= 400 ? parse(answer.text)?.requestId : id;
  return requestId === id ? [] : [`problem requestId ${JSON.stringify(requestId)} ≠ header ${id}`];
}

function parse(text: string): ProblemBody | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as ProblemBody)
      : undefined;
  } catch {
    return undefined;
  }
}
