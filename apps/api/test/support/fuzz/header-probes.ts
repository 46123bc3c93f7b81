import fc from 'fast-check';
import type { Demands } from './answer-oracle';
import type { Expectation } from './body-mutations';
import { ROLES, unknownToken, type FuzzWorld, type Role } from './fuzz-world';
import type { WriteOperation } from './openapi-operations';
import { jsonRequest, knownPath, validBody, type Probe } from './probes';

const unauthenticated: Expectation = { status: 401, code: 'UNAUTHENTICATED' };

type Auth = { role: Role } | { header?: string; invalid: boolean };

const AUTH: Array<(world: FuzzWorld) => Auth> = [
  ...ROLES.map((role) => () => ({ role })),
  () => ({ invalid: true }),
  () => ({ header: 'Bearer', invalid: true }),
  () => ({ header: 'Bearer ', invalid: true }),
  () => ({ header: 'Basic YWRtaW46YWRtaW4=', invalid: true }),
  () => ({ header: 'Bearer alk_short', invalid: true }),
  (w) => ({ header: `Bearer ${w.tokens.admin} extra`, invalid: true }),
  (w) => ({ header: `Token ${w.tokens.admin}`, invalid: true }),
  () => ({ header: `Bearer ${unknownToken()}`, invalid: true }),
  (w) => ({ header: `Bearer ${w.revokedToken}`, invalid: true }),
  () => ({ header: `Bearer alk_${'\xe9'.repeat(43)}`, invalid: true }),
  () => ({ header: `Bearer ${'x'.repeat(6000)}`, invalid: true }),
  // RFC 9110 §11.1: the scheme is case-insensitive; either answer is defensible, so no demand.
  (w) => ({ header: `bearer ${w.tokens.admin}`, invalid: false }),
  (w) => ({ header: `Bearer  ${w.tokens.admin}`, invalid: false }),
];

const REQUEST_IDS = [
  undefined,
  'ci-build-42',
  'a'.repeat(128),
  'a'.repeat(129),
  'a b',
  '../etc/passwd',
  '\xe9t\xe9',
  '',
  'x'.repeat(4000),
  '<script>',
];
const IDEMPOTENCY_KEYS = [
  undefined,
  'build-42',
  '',
  ' ',
  'a'.repeat(255),
  'a'.repeat(256),
  'k\xe9',
  'a\tb',
  '<>',
];
// The documented rule (the header's description in the OpenAPI document).
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/** Every token kind (each role's, none, malformed, unknown, revoked) and hostile X-Request-Id and Idempotency-Key. */
export function headerProbes(op: WriteOperation, world: FuzzWorld): fc.Arbitrary<Probe> {
  return fc
    .record({
      body: validBody(op, world),
      auth: fc.constantFrom(...AUTH),
      requestId: fc.constantFrom(...REQUEST_IDS),
      key: fc.constantFrom(...IDEMPOTENCY_KEYS),
      path: knownPath(op, world),
    })
    .map(({ body, auth: authOf, requestId, key, path }) => {
      const auth = authOf(world);
      const request = jsonRequest(op, path, undefined, body);
      if ('role' in auth) request.headers.authorization = `Bearer ${world.tokens[auth.role]}`;
      else if (auth.header !== undefined) request.headers.authorization = auth.header;
      if (requestId !== undefined) request.headers['x-request-id'] = requestId;
      if (key !== undefined) request.headers['idempotency-key'] = key;
      const demands: Demands = { requestId, ...authDemands(op, auth, key) };
      const who =
        'role' in auth
          ? `${auth.role} token`
          : `Authorization ${JSON.stringify(auth.header?.slice(0, 40))}`;
      return {
        note: `${who}, X-Request-Id ${JSON.stringify(requestId?.slice(0, 30))}, Idempotency-Key ${JSON.stringify(key?.slice(0, 30))}`,
        request,
        demands,
      };
    });
}

/** The guard runs before the body is validated: a bad token is a 401, a wrong role a 403. */
function authDemands(op: WriteOperation, auth: Auth, key: string | undefined): Demands {
  if ('role' in auth && !op.roles.includes(auth.role))
    return {
      mustRefuse: `the ${auth.role} role may not`,
      expect: { status: 403, code: 'FORBIDDEN' },
    };
  if ('invalid' in auth && auth.invalid)
    return { mustRefuse: 'no valid token', expect: unauthenticated };
  if (op.label === 'POST /api/v1/promotions' && key !== undefined && !VALID_KEY.test(key))
    return { mustRefuse: 'the Idempotency-Key is not 1-255 printable ASCII' };
  return {};
}
