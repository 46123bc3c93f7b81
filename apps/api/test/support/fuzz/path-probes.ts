import fc from 'fast-check';
import type { FuzzWorld } from './fuzz-world';
import type { WriteOperation } from './openapi-operations';
import { jsonRequest, knownPath, tokenFor, validBody, type Probe } from './probes';

const HOSTILE_PATH_VALUES = [
  '%00',
  'a%00b',
  '..',
  '.',
  '%2e%2e',
  '__proto__',
  'constructor',
  'x'.repeat(3000),
  encodeURIComponent('名前'),
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%2F',
  'a%2Fb',
  '%20',
  'PROD',
  '-1',
  '0',
  '00000000-0000-0000-0000-000000000000',
  `sha256:${'A'.repeat(64)}`,
  `sha256:${'0'.repeat(64)}`,
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '%25',
  "'%20OR%201=1--",
  '%0d%0a',
];
const HOSTILE_QUERIES = [
  '',
  '?__proto__=1',
  '?a=%00',
  '?%00=1',
  '?cursor=%00',
  '?limit=1e309',
  '?x=%E0%A4%A',
  '?a[b][c]=1',
  '?a=1&a=2',
  `?q=${'x'.repeat(3000)}`,
  '?constructor[prototype][admin]=1',
  '?dryRun=true',
];

/** One path parameter (or none) replaced by a hostile value, and a hostile query string. */
export function pathProbes(op: WriteOperation, world: FuzzWorld): fc.Arbitrary<Probe> {
  return fc
    .record({
      body: validBody(op, world),
      param: fc.nat(),
      value: fc.constantFrom(...HOSTILE_PATH_VALUES),
      query: fc.constantFrom(...HOSTILE_QUERIES),
      path: knownPath(op, world),
    })
    .map(({ body, param, value, query, path }) => {
      const segments = path.split('/');
      const positions = op.template
        .split('/')
        .flatMap((segment, i) => (segment.startsWith('{') ? [i] : []));
      const at = positions.length > 0 ? positions[param % positions.length] : undefined;
      if (at !== undefined) segments[at] = value;
      const request = jsonRequest(op, `${segments.join('/')}${query}`, tokenFor(op, world), body);
      const nul = at !== undefined && /%00/.test(value);
      return {
        note:
          at === undefined
            ? `query ${JSON.stringify(query.slice(0, 40))}`
            : `${op.template.split('/')[at]} = ${JSON.stringify(value.slice(0, 40))}, query ${JSON.stringify(query.slice(0, 40))}`,
        request,
        demands: nul ? { mustRefuse: 'a path value holds NUL' } : {},
      };
    });
}
