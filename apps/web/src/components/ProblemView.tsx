import { ApiProblem, isRecord, type Problem } from '../api/problem';

/** An API refusal or failure as people read it: title, detail, every field and rule at fault. */
export function ProblemView({ problem }: { problem: unknown }) {
  if (!(problem instanceof ApiProblem)) {
    const message = problem instanceof Error ? problem.message : String(problem);
    return (
      <div role="alert" className="problem">
        <p className="problem-title">Could not reach Airlock</p>
        <p>{message}</p>
      </div>
    );
  }
  const p = problem.problem;
  return (
    <div role="alert" className="problem">
      <p className="problem-title">
        {p.title} <span className="muted">({`${p.status} ${p.code}`})</span>
      </p>
      {p.detail && <p>{p.detail}</p>}
      {p.errors.length > 0 && (
        <ul>
          {p.errors.map((e, i) => (
            <li key={`${e.field}-${e.rule}-${i}`}>
              <code>{e.field}</code>: {e.message} ({e.rule})
            </li>
          ))}
        </ul>
      )}
      <Extensions problem={p} />
      {p.requestId && <p className="muted small">Request id {p.requestId}</p>}
    </div>
  );
}

/** The extensions codes carry (docs/api-errors.md): what a refusal was about, item by item. */
function Extensions({ problem }: { problem: Problem }) {
  const lines = [
    ...gateLines(problem.extensions),
    ...records(problem.extensions.violations).map((v) => `${text(v.message)} (${text(v.rule)})`),
    ...records(problem.extensions.conflicts).map(
      (c) =>
        `Tag ${text(c.tag)} in ${text(c.registry)}/${text(c.repository)} points at ${text(c.digest)}, not ${text(c.requestedDigest)}`,
    ),
    ...records(problem.extensions.items).map(
      (item) =>
        `Item ${text(item.index)} ${text(item.repository)}: ${text(item.code)} ${text(item.message ?? item.detail)}`,
    ),
  ];
  if (lines.length === 0) return null;
  return (
    <ul>
      {lines.map((line, i) => (
        <li key={i}>{line}</li>
      ))}
    </ul>
  );
}

function gateLines(extensions: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const key of ['missing', 'failed']) {
    const gates = extensions[key];
    if (isList(gates)) lines.push(`Gates ${key}: ${gates.join(', ')}`);
  }
  return lines;
}

const isList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string');

const records = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter(isRecord) : [];

const text = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';
