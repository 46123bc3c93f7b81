/** JSON text that JSON.stringify cannot write: a number token such as `1e309` (Infinity once parsed). */
export class RawJson {
  constructor(readonly text: string) {}
}

export type Segment = string | number;

/**
 * JSON text of a value, own keys in order — including keys such as `__proto__` set with
 * `setOwn` — with RawJson tokens written as they are. Iterative, like the API's own walk, so a
 * value nested to any depth serialises.
 */
export function toJsonText(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next instanceof Token) out.push(next.text);
    else if (next instanceof RawJson) out.push(next.text);
    else if (Array.isArray(next)) {
      stack.push(new Token(']'));
      for (let i = next.length - 1; i >= 0; i--) {
        stack.push(next[i]);
        if (i > 0) stack.push(new Token(','));
      }
      stack.push(new Token('['));
    } else if (next !== null && typeof next === 'object') {
      const keys = Object.keys(next);
      stack.push(new Token('}'));
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push((next as Record<string, unknown>)[keys[i]!]);
        stack.push(new Token(`${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:`));
      }
      stack.push(new Token('{'));
    } else out.push(JSON.stringify(next) ?? 'null');
  }
  return out.join('');
}

class Token {
  constructor(readonly text: string) {}
}

/** Sets an own, enumerable property, even one named `__proto__` (plain assignment would not). */
export function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** The field path the API's problems use: `a.b[0].c`; undefined where a key would need escaping. */
export function fieldName(path: Segment[]): string | undefined {
  let name = '';
  for (const segment of path) {
    if (typeof segment === 'number') name += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) name += name ? `.${segment}` : segment;
    else return undefined;
  }
  return name || undefined;
}

/** A value nested `depth` levels deep: arrays or single-key objects. */
export function nested(depth: number, asObjects: boolean): unknown {
  let value: unknown = asObjects ? {} : [];
  for (let i = 1; i < depth; i++) value = asObjects ? { a: value } : [value];
  return value;
}
