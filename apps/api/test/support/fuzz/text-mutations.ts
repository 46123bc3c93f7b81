import { setOwn, toJsonText } from './json-text';
import { invalid, type HostileBody, type Mutator } from './mutation';

const notJson = invalid('body', 'json');

/** Bodies broken as text: not an object, not JSON, nested past any stack, over the limit. */
export const TEXT_MUTATIONS = {
  notAnObject(m) {
    const texts = ['null', '"x"', '1', 'true', '[]', '[{}]', `[${toJsonText(m.body)}]`, '{}'];
    const text = texts[m.variant % texts.length]!;
    const note = `body ${text.slice(0, 40)}`;
    if (text === '{}') {
      const required = m.schema?.kind === 'object' && m.schema.required.length > 0;
      return required
        ? { note, text, mustRefuse: 'required fields are missing', expect: invalid() }
        : { note, text };
    }
    // Only objects and arrays are JSON bodies (strict parsing); an array is not the object declared.
    const expect = text.startsWith('[') ? invalid() : notJson;
    return { note, text, mustRefuse: 'the body is not an object', expect };
  },
  malformedText(m) {
    const text = toJsonText(m.body);
    const broken = [
      text.slice(0, 1 + (m.pick % Math.max(text.length - 1, 1))),
      `${text}x`,
      `${text}}`,
      text.replace('"', "'"),
      text.replace(/}$/, ',}'),
      text.replace(/^\{/, '{/* c */'),
      '{"a":NaN}',
      '{"a":undefined}',
      '{"a":01}',
      '{"a":"\\x41"}',
    ];
    const candidate = broken[m.variant % broken.length]!;
    const chosen = parses(candidate) ? `${text}x` : candidate;
    return {
      note: `malformed JSON ${JSON.stringify(chosen.slice(0, 60))}`,
      text: chosen,
      mustRefuse: 'not JSON',
      expect: notJson,
    };
  },
  deepText(m) {
    // Under the 1mb body limit either way (5 bytes a level at most), so the depth is what is refused.
    const depth = 1000 + (m.variant % 150_000);
    const text =
      m.variant % 2 === 0
        ? `${'['.repeat(depth)}${']'.repeat(depth)}`
        : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    return {
      note: `${depth} levels of JSON text`,
      text,
      mustRefuse: 'nested deeper than 32',
      expect: invalid(undefined, 'maxDepth'),
    };
  },
  duplicateKey(m) {
    const text = toJsonText(m.body);
    const first = Object.keys((m.body ?? {}) as object)[0];
    if (first === undefined || !text.startsWith('{"'))
      return { note: 'valid (no key to repeat)', text };
    return {
      note: `${first} twice, the first time as 1`,
      text: `{${JSON.stringify(first)}:1,${text.slice(1)}`,
    };
  },
  oversized(m): HostileBody {
    setOwn(m.body as object, 'pad', 'x'.repeat(1_100_000));
    const expect = { status: 413, code: 'PAYLOAD_TOO_LARGE', field: 'body', rule: 'maxSize' };
    return {
      note: 'a body over the 1mb limit',
      text: toJsonText(m.body),
      mustRefuse: 'over the body limit',
      expect,
    };
  },
} satisfies Record<string, Mutator>;

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
