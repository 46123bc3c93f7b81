import { generateToken } from '@airlock/auth';
import {
  buildImage,
  ImagePusher,
  RegistryFixture,
  type TestDatabase,
  type TestRedis,
} from '@airlock/testing';
import { connect } from 'node:net';
import { Client } from 'pg';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';
import { databaseFingerprint } from './support/database-fingerprint';

interface Problem {
  status: number;
  code: string;
  detail: string;
  accepted?: string;
  errors?: Array<{ field: string; rule: string; message: string }>;
}

interface Operation {
  method: string;
  path: string;
}

/**
 * What an attacker or a careless script sends: bodies that are not JSON, no body, bodies nested
 * to exhaust a recursive walk, NUL characters Postgres cannot store, cursors that name impossible
 * times, and fields named after Object.prototype's members. Each gets a 4xx problem+json naming
 * the field and the rule, and the database is exactly as it was.
 */
describe('hostile input', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let pg: Client;
  let registry: RegistryFixture;
  let digest: string;
  let approver: string;
  let webhookId: string;

  const call = <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    token = adminToken,
  ) => api.call<T>(method, path, { token, body });

  /** A request with the body exactly as given: any Content-Type, or none. */
  const raw = async (
    method: string,
    path: string,
    body: string | undefined,
    contentType?: string,
    token = adminToken,
  ) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (contentType !== undefined) headers['content-type'] = contentType;
    const response = await fetch(`${api.base}${path}`, { method, headers, body });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: (text ? JSON.parse(text) : undefined) as Problem,
    };
  };

  beforeAll(async () => {
    registry = await RegistryFixture.start({ auth: 'none', name: 'hostile-ci' });
    ({ db, redis, api } = await startTestApi('hostile_input', adminToken, {
      AIRLOCK_SECRET_KEY: 'd'.repeat(64),
      AIRLOCK_RATE_LIMIT_PER_SECOND: '1000',
      AIRLOCK_RATE_LIMIT_BURST: '1000',
    }));
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    for (const [name, role] of [
      ['ci-pool', 'ci'],
      ['prod-eu', 'prod'],
      ['hub', 'upstream'],
      ['archive', 'archive'],
    ])
      expect(
        (await call('POST', '/api/v1/registries', { name, url: registry.url, role })).status,
      ).toBe(201);
    expect(
      (await call('POST', '/api/v1/stages', { name: 'ci', registries: ['ci-pool'] })).status,
    ).toBe(201);
    expect(
      (await call('POST', '/api/v1/stages', { name: 'prod', position: 2, registries: ['prod-eu'] }))
        .status,
    ).toBe(201);
    const policy = {
      allowedSourceStages: ['ci'],
      requiredGates: ['unit-tests'],
      approvalsRequired: 1,
    };
    expect((await call('PUT', '/api/v1/stages/prod/policy', policy)).status).toBe(200);
    const pushed = await new ImagePusher(registry).push('team/app', buildImage(), ['build']);
    digest = pushed.digest;
    expect(
      (
        await call('POST', '/api/v1/images', {
          registry: 'ci-pool',
          repository: 'team/app',
          digest,
        })
      ).status,
    ).toBe(201);
    approver = (
      await call<{ token: string }>('POST', '/api/v1/tokens', { name: 'alice', role: 'approver' })
    ).body.token;
    expect(
      (
        await call('POST', '/api/v1/mirror-rules', {
          name: 'base',
          upstream: { registry: 'hub', repository: 'library/base' },
          tags: { tags: ['1'] },
          archive: { registry: 'archive', repository: 'mirror/base' },
          schedule: '0 3 * * *',
          enabled: false,
        })
      ).status,
    ).toBe(201);
    const hook = await call<{ id: string }>('POST', '/api/v1/webhooks', {
      url: 'http://127.0.0.1:9/hooks',
      events: ['promotion.succeeded'],
      secret: 'hostile-input-secret-0123',
    });
    expect(hook.status).toBe(201);
    webhookId = hook.body.id;
  });

  afterAll(async () => {
    await pg?.end();
    await registry?.stop();
    await stopTestApi({ api, redis, db });
  });

  /** Runs the requests and expects the database to be as it was before them. */
  const changesNothing = async (requests: () => Promise<void>) => {
    const before = await databaseFingerprint(pg);
    await requests();
    expect(await databaseFingerprint(pg)).toEqual(before);
  };

  const expectProblem = (
    answer: { status: number; body: Problem; type?: string },
    status: number,
    code: string,
    error?: { field: string; rule: string },
  ) => {
    expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code });
    if (answer.type !== undefined) expect(answer.type).toMatch(/^application\/problem\+json/);
    if (error)
      expect(answer.body.errors).toEqual(expect.arrayContaining([expect.objectContaining(error)]));
  };

  /** Every write operation of the OpenAPI document, with its path parameters filled in. */
  const writeOperations = async (): Promise<Operation[]> => {
    const document = (
      await call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/docs-json')
    ).body;
    const fill: Record<string, string> = {
      name: 'prod',
      digest,
      id: '00000000-0000-4000-8000-000000000000',
      deliveryId: '00000000-0000-4000-8000-000000000000',
    };
    return Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => ['post', 'put', 'patch'].includes(method))
        .map((method) => ({
          method: method.toUpperCase(),
          path: path.replace(/\{(\w+)\}/g, (_, param: string) =>
            encodeURIComponent(fill[param] ?? 'x'),
          ),
        })),
    );
  };

  describe('a body that is not JSON', () => {
    const policyBody = '{"allowedSourceStages":["ci"],"requiredGates":["unit-tests"]}';

    it.each([
      ['application/x-www-form-urlencoded', policyBody],
      ['text/plain', policyBody],
      [
        'multipart/form-data; boundary=x',
        `--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n`,
      ],
      ['application/xml', '<policy><requiredGates/></policy>'],
      [undefined, policyBody],
    ])('%s on PUT policy: 415 naming application/json, the policy stays', async (type, body) => {
      const before = (await call('GET', '/api/v1/stages/prod/policy')).body;
      await changesNothing(async () => {
        const answer = await raw('PUT', '/api/v1/stages/prod/policy', body, type);
        expectProblem(answer, 415, 'UNSUPPORTED_MEDIA_TYPE', { field: 'body', rule: 'mediaType' });
        expect(answer.body.accepted).toBe('application/json');
        expect(answer.body.detail).toMatch(/application\/json/);
      });
      expect((await call('GET', '/api/v1/stages/prod/policy')).body).toEqual(before);
      const readiness = await call<{ ready: boolean }>(
        'GET',
        `/api/v1/gates/${digest}/readiness?stage=prod&source=ci`,
      );
      expect(readiness.body.ready).toBe(false);
    });

    it('is refused by every write route of the API, before anything is written', async () => {
      const operations = await writeOperations();
      expect(operations.length).toBeGreaterThan(15);
      await changesNothing(async () => {
        for (const { method, path } of operations) {
          for (const type of ['application/x-www-form-urlencoded', 'text/plain', undefined]) {
            const answer = await raw(method, path, 'comment=ship+it&gate=approval', type);
            expect({ method, path, type, status: answer.status, code: answer.body?.code }).toEqual({
              method,
              path,
              type,
              status: 415,
              code: 'UNSUPPORTED_MEDIA_TYPE',
            });
          }
        }
      });
    });

    it('accepts application/json with a charset and any +json type', async () => {
      const policy = {
        allowedSourceStages: ['ci'],
        requiredGates: ['unit-tests'],
        approvalsRequired: 1,
      };
      for (const type of [
        'application/json; charset=utf-8',
        'application/merge-patch+json',
        'Application/JSON',
      ])
        expect(
          (await raw('PUT', '/api/v1/stages/prod/policy', JSON.stringify(policy), type)).status,
        ).toBe(200);
    });

    it('no body where the route needs one: 400 naming the body; a bodiless route still works', async () => {
      await changesNothing(async () => {
        for (const [method, path] of [
          ['PUT', '/api/v1/stages/prod/policy'],
          ['POST', `/api/v1/gates/${digest}/approvals`],
          ['POST', `/api/v1/gates/${digest}/results`],
          ['PATCH', '/api/v1/stages/prod'],
          ['POST', '/api/v1/tokens'],
        ]) {
          for (const type of [undefined, 'application/json']) {
            const answer = await raw(
              method!,
              path!,
              undefined,
              type,
              path!.includes('approvals') ? approver : adminToken,
            );
            expectProblem(answer, 400, 'INVALID_INPUT', { field: 'body', rule: 'required' });
          }
        }
      });
      expect((await raw('POST', '/api/v1/mirror-rules/base/sync', undefined)).status).toBe(202);
    });
  });

  describe('what the generated tier found', () => {
    it('an empty chunked JSON body is no body: 400, the policy stays', async () => {
      const before = (await call('GET', '/api/v1/stages/prod/policy')).body;
      await changesNothing(async () => {
        const empty = new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
        const response = await fetch(`${api.base}/api/v1/stages/prod/policy`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
          body: empty,
          duplex: 'half',
        } as RequestInit);
        expect(response.headers.get('transfer-encoding')).toBeNull();
        const body = (await response.json()) as Problem;
        expectProblem({ status: response.status, body }, 400, 'INVALID_INPUT', {
          field: 'body',
          rule: 'required',
        });
      });
      expect((await call('GET', '/api/v1/stages/prod/policy')).body).toEqual(before);
    });

    it.each([
      ['PUT', '/api/v1/stages/prod/policy', { requiredGates: null }, 'requiredGates'],
      ['PUT', '/api/v1/stages/prod/policy', { allowedSourceStages: null }, 'allowedSourceStages'],
      ['PATCH', '/api/v1/stages/prod', { registries: null }, 'registries'],
      ['PATCH', '/api/v1/mirror-rules/base', { upstream: null }, 'upstream'],
      ['PATCH', 'webhook', { events: null }, 'events'],
    ])(
      'null where the field is not nullable (%s %s): 400 notNull',
      async (method, path, body, field) => {
        const target = path === 'webhook' ? `/api/v1/webhooks/${webhookId}` : path;
        await changesNothing(async () =>
          expectProblem(
            await raw(method, target, JSON.stringify(body), 'application/json'),
            400,
            'INVALID_INPUT',
            {
              field,
              rule: 'notNull',
            },
          ),
        );
      },
    );

    it('null where the document says nullable still clears the field', async () => {
      const put = await call<{ tagPattern: unknown }>('PUT', '/api/v1/stages/prod/policy', {
        allowedSourceStages: ['ci'],
        requiredGates: ['unit-tests'],
        approvalsRequired: 1,
        tagPattern: null,
      });
      expect(put.status).toBe(200);
      expect(put.body.tagPattern).toBeNull();
      expect(
        (await call('PATCH', '/api/v1/registries/ci-pool', { credentials: null })).status,
      ).toBe(200);
    });

    it.each([
      [
        'gate details',
        `/api/v1/gates/{digest}/results`,
        { gate: 'unit-tests', status: 'passed', details: { log: 'x\ud800' } },
        'details.log',
      ],
      [
        'gate url',
        `/api/v1/gates/{digest}/results`,
        { gate: 'unit-tests', status: 'passed', url: 'https://ci.example.com/\udfff' },
        'url',
      ],
      [
        'webhook url',
        '/api/v1/webhooks',
        { url: 'http://127.0.0.1:9/\ud800', events: ['*'] },
        'url',
      ],
    ])('a lone surrogate in %s: 400 unicode, nothing stored', async (_, path, body, field) => {
      const text = JSON.stringify(body);
      await changesNothing(async () =>
        expectProblem(
          await raw('POST', path.replace('{digest}', digest), text, 'application/json'),
          400,
          'INVALID_INPUT',
          {
            field,
            rule: 'unicode',
          },
        ),
      );
    });

    it('a path that is not percent-encoded UTF-8: 400 naming the path', async () => {
      for (const path of ['/api/v1/stages/%zz', '/api/v1/stages/%E0%A4%A'])
        expectProblem(await raw('DELETE', path, undefined), 400, 'INVALID_INPUT', {
          field: 'path',
          rule: 'percentEncoding',
        });
    });

    it('a list where the field is one object: 400 type', async () => {
      const body = {
        registry: 'ci-pool',
        repository: 'team/app',
        digest,
        build: [{ commit: 'abc' }],
      };
      await changesNothing(async () =>
        expectProblem(
          await raw('POST', '/api/v1/images', JSON.stringify(body), 'application/json'),
          400,
          'INVALID_INPUT',
          {
            field: 'build',
            rule: 'type',
          },
        ),
      );
    });

    it('a prototype-named field is reported along with the other broken rules', async () => {
      const body = `{"events":[],"toString":{"a":1},"url":"x"}`;
      const answer = await raw('PATCH', `/api/v1/webhooks/${webhookId}`, body, 'application/json');
      expectProblem(answer, 400, 'INVALID_INPUT', { field: 'toString', rule: 'unknownField' });
      expect(answer.body.errors!.map((e) => e.field)).toEqual(
        expect.arrayContaining(['events', 'url']),
      );
    });
  });

  describe("what Node's HTTP parser refuses before Express", () => {
    it('headers over 16 KiB: 431 problem+json naming the headers and the rule', async () => {
      const answer = await fetch(`${api.base}/api/v1/stages`, {
        headers: { authorization: `Bearer ${adminToken}`, 'x-padding': 'p'.repeat(20_000) },
      });
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expectProblem(
        { status: answer.status, body: (await answer.json()) as Problem },
        431,
        'INVALID_INPUT',
        { field: 'headers', rule: 'maxSize' },
      );
    });

    it('a request that is not HTTP: 400 problem+json, and the connection closes', async () => {
      const { hostname, port } = new URL(api.base);
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), hostname);
        let received = '';
        socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
        socket.on('end', () => resolve(received));
        socket.on('error', reject);
        socket.write('NOT HTTP AT ALL\r\n\r\n');
      });
      const [head, body] = reply.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request/);
      expect(head).toMatch(/content-type: application\/problem\+json/i);
      expectProblem({ status: 400, body: JSON.parse(body!) as Problem }, 400, 'INVALID_INPUT', {
        field: 'request',
        rule: 'malformed',
      });
    });
  });

  describe('bodies built to break a recursive walk', () => {
    it('200,000 nested arrays: 400 maxDepth, no 500', async () => {
      await changesNothing(async () => {
        const body = `${'['.repeat(200000)}${']'.repeat(200000)}`;
        for (const path of [
          `/api/v1/gates/${digest}/results`,
          '/api/v1/promotions',
          '/api/v1/registries',
        ])
          expectProblem(await raw('POST', path, body, 'application/json'), 400, 'INVALID_INPUT', {
            field: `body${'[0]'.repeat(32)}`,
            rule: 'maxDepth',
          });
      });
    });

    it('a 5,000-deep gate details object: 400 naming the path under details', async () => {
      let details = '{}';
      for (let i = 0; i < 5000; i++) details = `{"a":${details}}`;
      const body = `{"gate":"unit-tests","status":"passed","details":${details}}`;
      await changesNothing(async () => {
        const answer = await raw(
          'POST',
          `/api/v1/gates/${digest}/results`,
          body,
          'application/json',
        );
        expectProblem(answer, 400, 'INVALID_INPUT', {
          rule: 'maxDepth',
          field: `details${'.a'.repeat(31)}`,
        });
      });
    });
  });

  describe('NUL characters', () => {
    const NUL = '\u0000';
    it.each([
      [
        'registry credentials username',
        'POST',
        '/api/v1/registries',
        {
          name: 'n1',
          url: 'http://127.0.0.1:1',
          role: 'ci',
          credentials: { username: `u${NUL}`, password: 'p' },
        },
        'credentials.username',
      ],
      [
        'stage registries[]',
        'POST',
        '/api/v1/stages',
        { name: 'qa', registries: [`ci-pool${NUL}`] },
        'registries[0]',
      ],
      [
        'policy tagPattern',
        'PUT',
        '/api/v1/stages/prod/policy',
        { tagPattern: `\\d+${NUL}` },
        'tagPattern',
      ],
      [
        'image build commit',
        'POST',
        '/api/v1/images',
        { registry: 'ci-pool', repository: 'team/app', digest: '', build: { commit: `abc${NUL}` } },
        'build.commit',
      ],
      [
        'image build pipeline id',
        'POST',
        '/api/v1/images',
        { registry: 'ci-pool', repository: 'team/app', build: { pipelineId: `4${NUL}` } },
        'build.pipelineId',
      ],
      [
        'gate url',
        'POST',
        'results',
        { gate: 'unit-tests', status: 'passed', url: `https://ci.example.com/${NUL}` },
        'url',
      ],
      [
        'gate details key',
        'POST',
        'results',
        { gate: 'unit-tests', status: 'passed', details: { [`k${NUL}`]: 1 } },
        'details.k\\u0000',
      ],
      [
        'gate details value',
        'POST',
        'results',
        { gate: 'unit-tests', status: 'passed', details: { log: [`x${NUL}`] } },
        'details.log[0]',
      ],
      ['approval comment', 'POST', 'approvals', { comment: `ship it${NUL}` }, 'comment'],
      [
        'webhook secret',
        'POST',
        '/api/v1/webhooks',
        { url: 'http://127.0.0.1:9/h', events: ['*'], secret: `s${NUL}`.repeat(20) },
        'secret',
      ],
    ])('in %s: 400 noNul naming the field', async (_, method, path, body, field) => {
      const target =
        path === 'results' || path === 'approvals' ? `/api/v1/gates/${digest}/${path}` : path;
      const token = path === 'approvals' ? approver : adminToken;
      const payload = { ...(body as Record<string, unknown>) };
      if (payload.digest === '') payload.digest = digest;
      await changesNothing(async () => {
        const answer = await raw(
          method,
          target,
          JSON.stringify(payload),
          'application/json',
          token,
        );
        expectProblem(answer, 400, 'INVALID_INPUT', { field, rule: 'noNul' });
      });
    });

    it('in query and path values: 400 naming the parameter', async () => {
      expectProblem(
        await raw('GET', '/api/v1/mirror-rules/base/archive?tag=%00', undefined),
        400,
        'INVALID_INPUT',
        {
          field: 'tag',
          rule: 'noNul',
        },
      );
      expectProblem(
        await raw('GET', '/api/v1/images?repository=team%00', undefined),
        400,
        'INVALID_INPUT',
        {
          field: 'repository',
          rule: 'noNul',
        },
      );
      expectProblem(await raw('GET', '/api/v1/registries/ci%00', undefined), 400, 'INVALID_INPUT', {
        field: 'name',
        rule: 'noNul',
      });
    });
  });

  describe('impossible keyset cursors', () => {
    const ID = '00000000-0000-4000-8000-000000000000';
    const cursors = [
      '2026-13-01 00:00:00+00',
      '2026-02-30 10:00:00+00',
      '0000-01-01 00:00:00+00',
    ].map((stamp) => Buffer.from(JSON.stringify([stamp, ID])).toString('base64url'));
    it.each([
      '/api/v1/images',
      '/api/v1/promotions',
      '/api/v1/mirror-rules/base/runs',
      'deliveries',
    ])('%s: 400 naming the cursor', async (list) => {
      const path = list === 'deliveries' ? `/api/v1/webhooks/${webhookId}/deliveries` : list;
      for (const cursor of cursors)
        expectProblem(
          await raw('GET', `${path}?cursor=${cursor}`, undefined),
          400,
          'INVALID_INPUT',
          {
            field: 'cursor',
            rule: 'cursor',
          },
        );
    });
  });

  describe("fields named after Object.prototype's members", () => {
    it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
      '%s is an unknown field, at the top and nested',
      async (key) => {
        await changesNothing(async () => {
          const inject = (body: Record<string, unknown>) => {
            const rest = JSON.stringify(body).slice(1);
            return `{"${key}":1${rest === '}' ? '' : ','}${rest}`;
          };
          for (const [method, path, body, token] of [
            ['PUT', '/api/v1/stages/prod/policy', {}, adminToken],
            ['POST', '/api/v1/tokens', { name: 'mallory', role: 'admin' }, adminToken],
            [
              'POST',
              `/api/v1/gates/${digest}/results`,
              { gate: 'unit-tests', status: 'passed' },
              adminToken,
            ],
            ['POST', `/api/v1/gates/${digest}/approvals`, { comment: 'ok' }, approver],
            ['PATCH', '/api/v1/stages/prod', { position: 3 }, adminToken],
          ] as const) {
            const answer = await raw(method, path, inject(body), 'application/json', token);
            expectProblem(answer, 400, 'INVALID_INPUT', { field: key, rule: 'unknownField' });
          }
          const nested = `{"name":"n2","url":"http://127.0.0.1:1","role":"ci","credentials":{"username":"u","password":"p","${key}":1}}`;
          expectProblem(
            await raw('POST', '/api/v1/registries', nested, 'application/json'),
            400,
            'INVALID_INPUT',
            {
              field: `credentials.${key}`,
              rule: 'unknownField',
            },
          );
          expectProblem(
            await raw('GET', `/api/v1/images?${key}=1`, undefined),
            400,
            'INVALID_INPUT',
            {
              field: key,
              rule: 'unknownField',
            },
          );
        });
      },
    );
  });
});
