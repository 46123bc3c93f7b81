import { createHash } from 'node:crypto';

const NAMES = new Map<string, string>();

/**
 * Every statement is a named prepared statement: each connection parses and plans it once, then
 * only binds and executes it. A text depends on the code path only (values are parameters, see
 * Sql), so there are as many names as there are statement shapes in the code.
 */
export function statementName(text: string): string {
  let name = NAMES.get(text);
  if (name === undefined) {
    name = `airlock_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    NAMES.set(text, name);
  }
  return name;
}
