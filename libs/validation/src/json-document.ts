import { fieldPath, fieldProblem, type FieldProblem } from './field-problem';

/**
 * How deep a request body may nest, counting the body itself as level 1. Deep enough for any
 * gate's `details`; shallow enough that no recursive walk over a body (validation, transformation,
 * serialisation) can run out of stack (docs/api-errors.md).
 */
export const MAX_JSON_DEPTH = 32;

const MAX_PROBLEMS = 10;

/** A UTF-16 surrogate without its partner: not a character, so no UTF-8 (Postgres, jsonb) can hold it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What no stored string may hold and no body may be: U+0000 anywhere (Postgres text and jsonb
 * refuse it, so it would surface as a 500), a lone surrogate (`"\ud800"` is valid JSON but no
 * text: jsonb refuses it, a text column would store U+FFFD instead of what was sent), and nesting
 * beyond `maxDepth`. Iterative, so a body
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
      const problem = stringProblem(value, path);
      if (problem) problems.push(problem);
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
      const problem = stringProblem(key, at);
      if (problem)
        problems.push({
          ...problem,
          field: printable(at),
          message: problem.message.replace(at, printable(at)),
        });
      else pending.push({ value: item, path: at, depth: depth + 1 });
    }
  }
  return problems;
}

function stringProblem(value: string, path: string): FieldProblem | undefined {
  if (value.includes('\u0000'))
    return fieldProblem(path, 'noNul', `${path} must not contain the NUL character (U+0000)`);
  if (LONE_SURROGATE.test(value))
    return fieldProblem(
      path,
      'unicode',
      `${path} must be well-formed Unicode (it holds a lone UTF-16 surrogate)`,
    );
  return undefined;
}

/** A key's path as a message can show it: NUL and lone surrogates escaped. */
function printable(path: string): string {
  const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return path.split('\u0000').join('\\u0000').replace(new RegExp(LONE_SURROGATE, 'g'), escape);
}
