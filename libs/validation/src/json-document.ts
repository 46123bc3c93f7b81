import { fieldPath, fieldProblem, type FieldProblem } from './field-problem';

/**
 * How deep a request body may nest, counting the body itself as level 1. Deep enough for any
 * gate's `details`; shallow enough that no recursive walk over a body (validation, transformation,
 * serialisation) can run out of stack (docs/api-errors.md).
 */
export const MAX_JSON_DEPTH = 32;

const MAX_PROBLEMS = 10;

/**
 * What no stored string may hold and no body may be: U+0000 anywhere (Postgres text and jsonb
 * refuse it, so it would surface as a 500), and nesting beyond `maxDepth`. Iterative, so a body
 * of 200,000 nested arrays costs a loop, not a stack overflow. Problems name the JSON path.
 */
export function checkJsonDocument(
  document: unknown,
  root = 'body',
  maxDepth = MAX_JSON_DEPTH,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pending: Array<{ value: unknown; path: string; depth: number }> = [
    { value: document, path: root, depth: 1 },
  ];
  while (pending.length > 0 && problems.length < MAX_PROBLEMS) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) problems.push(nulProblem(path));
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > maxDepth) {
      problems.push(fieldProblem(path, 'maxDepth', `${path} nests deeper than ${maxDepth} levels`));
      continue;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) =>
        pending.push({ value: item, path: fieldPath(path, i), depth: depth + 1 }),
      );
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      const at = fieldPath(path === root ? '' : path, key);
      if (key.includes('\u0000')) problems.push(nulProblem(at.split('\u0000').join('\\u0000')));
      else pending.push({ value: item, path: at, depth: depth + 1 });
    }
  }
  return problems;
}

function nulProblem(path: string): FieldProblem {
  return fieldProblem(path, 'noNul', `${path} must not contain the NUL character (U+0000)`);
}
