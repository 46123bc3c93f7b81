import type { ApiAnswer } from './api-client';
import type { ViolationAnswer } from './api-schemas';

/** The parts of Airlock's application/problem+json bodies (RFC 9457) the CLI shows. */
export interface Problem {
  status?: number;
  title?: string;
  detail?: string;
  code?: string;
  requestId?: string;
  missing?: string[];
  failed?: string[];
  violations?: Violation[];
  errors?: Array<{ field?: string; message?: string }>;
  conflicts?: Conflict[];
  /** RELEASE_NOT_READY: each refused item of the release, with its own refusal. */
  items?: RefusedItem[];
}

export interface Conflict {
  registry?: string;
  tag?: string;
  digest?: string;
  promotionId?: string;
}

/** An item of a refused release: where it is in the request, and its POLICY_UNMET or TAG_CONFLICT. */
export interface RefusedItem extends PolicyGaps {
  index?: number;
  repository?: string;
  digest?: string;
  code?: string;
  message?: string;
  conflicts?: Conflict[];
}

export type Violation = ViolationAnswer;

/** What a policy evaluation left open: shared by POLICY_UNMET, readiness and dry runs. */
export interface PolicyGaps {
  missing?: string[];
  failed?: string[];
  violations?: Violation[];
}

/**
 * The lines stderr gets for a refused or failed request: what was asked, Airlock's code and
 * detail, then whatever the problem lists (policy gaps, bad fields, conflicting tags), and the
 * request id to quote to whoever runs Airlock.
 */
export function describeProblem(action: string, answer: ApiAnswer): string[] {
  const problem = asProblem(answer.body);
  const label = problem?.code ? `${answer.status} ${problem.code}` : httpLabel(answer.status);
  const detail = problem?.detail ?? problem?.title ?? (summariseText(answer.text) || undefined);
  const lines = [`error: ${action} refused (${label})${detail ? `: ${detail}` : ''}`];
  if (!problem) return lines;
  lines.push(...describeGaps(problem));
  for (const error of problem.errors ?? []) {
    lines.push(`  - ${error.message ?? error.field ?? 'invalid input'}`);
  }
  for (const conflict of problem.conflicts ?? []) lines.push(`  - ${describeConflict(conflict)}`);
  if (Array.isArray(problem.items)) {
    for (const item of problem.items) lines.push(...describeRefusedItem(item));
  }
  if (problem.requestId) lines.push(`  request id: ${problem.requestId}`);
  return lines;
}

/** `missing: …`, `failed: …` and one line per violation; nothing for an empty list. */
export function describeGaps(gaps: PolicyGaps): string[] {
  const lines: string[] = [];
  if (gaps.missing && gaps.missing.length > 0) lines.push(`  missing: ${gaps.missing.join(', ')}`);
  if (gaps.failed && gaps.failed.length > 0) lines.push(`  failed: ${gaps.failed.join(', ')}`);
  for (const violation of gaps.violations ?? []) lines.push(`  - ${violation.message}`);
  return lines;
}

function describeConflict(conflict: Conflict): string {
  return conflict.promotionId
    ? `tag ${conflict.tag} in ${conflict.registry} is being promoted onto ${conflict.digest} by promotion ${conflict.promotionId}`
    : `tag ${conflict.tag} in ${conflict.registry} already points at ${conflict.digest}`;
}

/** `  - items[1] team/app (sha256:…): POLICY_UNMET: …`, then that item's gaps or conflicts. */
function describeRefusedItem(item: RefusedItem): string[] {
  const where = [`items[${item.index ?? '?'}]`, item.repository, item.digest && `(${item.digest})`];
  const why = [item.code, item.message].filter(Boolean).join(': ');
  const lines = [`  - ${where.filter(Boolean).join(' ')}${why ? `: ${why}` : ''}`];
  lines.push(...describeGaps(item).map((line) => `  ${line}`));
  for (const conflict of item.conflicts ?? []) lines.push(`    - ${describeConflict(conflict)}`);
  return lines;
}

function asProblem(body: unknown): Problem | undefined {
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Problem)
    : undefined;
}

function httpLabel(status: number): string {
  return `HTTP ${status}`;
}

/** A non-JSON error page (a proxy's HTML) shortened to one readable line. */
function summariseText(text: string): string {
  const flat = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
