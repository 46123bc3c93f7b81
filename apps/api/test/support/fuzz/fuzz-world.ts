import { generateToken } from '@airlock/auth';
import { buildImage, ImagePusher, type RegistryFixture } from '@airlock/testing';
import fc from 'fast-check';
import type { Client } from 'pg';
import type { AirlockApi } from '../airlock-api';
import type { ValueHints } from './schema-values';

export const ROLES = ['admin', 'ci', 'approver', 'reader'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What the generated requests name, so that they reach validation and the services instead of a
 * 404: registries of every role, two stages with a policy, a registered image with its gate
 * results and an approval, a queued promotion, a mirror rule, a webhook with a delivery, and a
 * token of each role. `spare` resources are the only ones DELETE routes are pointed at: deleting
 * a kept one (a stage, the admin token) would turn every later request into a 404 or 401.
 */
export interface FuzzWorld {
  digest: string;
  tokens: Record<Role, string>;
  revokedToken: string;
  /** Path values by resource (the path segment before the parameter). */
  kept: Record<string, string[]>;
  spare: Record<string, string[]>;
  hints: ValueHints;
}

type Call = <T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) => Promise<T>;

export async function seedWorld(
  api: AirlockApi,
  registry: RegistryFixture,
  adminToken: string,
): Promise<FuzzWorld> {
  const call: Call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    token = adminToken,
  ) => {
    const answer = await api.call<T>(method, path, { token, body });
    if (answer.status >= 300)
      throw new Error(
        `seeding: ${method} ${path} → ${answer.status} ${JSON.stringify(answer.body)}`,
      );
    return answer.body;
  };
  for (const [name, role] of [
    ['ci-pool', 'ci'],
    ['prod-eu', 'prod'],
    ['hub', 'upstream'],
    ['archive', 'archive'],
    ['spare', 'ci'],
  ])
    await call('POST', '/api/v1/registries', { name, url: registry.url, role });
  await call('POST', '/api/v1/stages', { name: 'ci', position: 1, registries: ['ci-pool'] });
  await call('POST', '/api/v1/stages', { name: 'prod', position: 2, registries: ['prod-eu'] });
  await call('POST', '/api/v1/stages', { name: 'spare', position: 3 });
  await call('PUT', '/api/v1/stages/prod/policy', {
    allowedSourceStages: ['ci'],
    requiredGates: ['unit-tests'],
    approvalsRequired: 1,
  });
  const token = async (name: string, role: Role) =>
    call<{ id: string; token: string }>('POST', '/api/v1/tokens', { name, role });
  const ci = await token('jenkins', 'ci');
  const approver = await token('alice', 'approver');
  const reader = await token('grafana', 'reader');
  const revoked = await token('gone', 'ci');
  await call('DELETE', `/api/v1/tokens/${revoked.id}`);
  const spareToken = await token('spare', 'reader');
  const hook = await call<{ id: string }>('POST', '/api/v1/webhooks', {
    url: 'http://127.0.0.1:9/hooks',
    events: ['*'],
  });
  const spareHook = await call<{ id: string }>('POST', '/api/v1/webhooks', {
    url: 'http://127.0.0.1:9/spare',
    events: ['*'],
  });
  const { digest } = await new ImagePusher(registry).push('team/app', buildImage(), ['build']);
  await call('POST', '/api/v1/images', { registry: 'ci-pool', repository: 'team/app', digest });
  await call(
    'POST',
    `/api/v1/gates/${digest}/results`,
    { gate: 'unit-tests', status: 'passed' },
    ci.token,
  );
  await call('POST', `/api/v1/gates/${digest}/approvals`, { comment: 'ok' }, approver.token);
  const promotion = await call<{ id: string }>(
    'POST',
    '/api/v1/promotions',
    { repository: 'team/app', digest, source: 'ci', target: 'prod', tags: ['1.0.0'] },
    ci.token,
  );
  const other = await new ImagePusher(registry).push('team/other', buildImage(), ['build']);
  await call('POST', '/api/v1/images', {
    registry: 'ci-pool',
    repository: 'team/other',
    digest: other.digest,
  });
  await call(
    'POST',
    `/api/v1/gates/${other.digest}/results`,
    { gate: 'unit-tests', status: 'passed' },
    ci.token,
  );
  await call('POST', `/api/v1/gates/${other.digest}/approvals`, { comment: 'ok' }, approver.token);
  const release = await call<{ id: string }>(
    'POST',
    '/api/v1/releases',
    {
      source: 'ci',
      target: 'prod',
      items: [{ repository: 'team/other', digest: other.digest, tags: ['2.0.0'] }],
    },
    ci.token,
  );
  for (const name of ['base', 'spare'])
    await call('POST', '/api/v1/mirror-rules', {
      name,
      upstream: { registry: 'hub', repository: 'library/base' },
      tags: { tags: ['1'] },
      archive: { registry: 'archive', repository: `mirror/${name}` },
      schedule: '0 3 * * *',
      enabled: false,
    });
  const deliveries = await call<{ items: Array<{ id: string }> }>(
    'GET',
    `/api/v1/webhooks/${hook.id}/deliveries`,
  );
  if (!deliveries.items[0]) throw new Error('seeding: the webhook has no delivery');
  const registries = ['ci-pool', 'prod-eu', 'hub', 'archive'];
  return {
    digest,
    tokens: { admin: adminToken, ci: ci.token, approver: approver.token, reader: reader.token },
    revokedToken: revoked.token,
    kept: {
      tokens: [approver.id, reader.id],
      gates: [digest],
      'mirror-rules': ['base'],
      stages: ['prod', 'ci'],
      promotions: [promotion.id],
      releases: [release.id],
      registries,
      webhooks: [hook.id],
      deliveries: [deliveries.items[0].id],
    },
    spare: {
      tokens: [spareToken.id],
      'mirror-rules': ['spare'],
      stages: ['spare'],
      registries: ['spare'],
      webhooks: [spareHook.id],
    },
    hints: hintsFor(registry, digest, registries),
  };
}

function hintsFor(registry: RegistryFixture, digest: string, registries: string[]): ValueHints {
  const stages = fc.constantFrom('ci', 'prod');
  const repositories = fc.constantFrom('team/app', 'library/base', 'team/other');
  const name = fc.oneof(
    fc.constantFrom('prod', 'ci', 'ci-pool', 'base', 'alice'),
    fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
  );
  return {
    name,
    registry: fc.constantFrom(...registries),
    sourceRegistry: fc.constantFrom(...registries),
    'registries[]': fc.constantFrom(...registries, 'spare'),
    repository: repositories,
    targetRepository: repositories,
    'RepositoryRefBody.repository': fc.constantFrom('library/base', 'mirror/base', 'mirror/other'),
    digest: fc.constantFrom(digest, `sha256:${'0'.repeat(64)}`),
    tag: fc.constantFrom('build', '1.0.0', 'latest'),
    'RequestPromotionBody.tags[]': fc.constantFrom('1.0.0', '2.0.0', 'latest', 'build'),
    'TagSelectionBody.tags[]': fc.constantFrom('1', 'latest'),
    source: stages,
    target: stages,
    'allowedSourceStages[]': stages,
    gate: fc.constantFrom('unit-tests', 'trivy', 'approval'),
    'requiredGates[]': fc.constantFrom('unit-tests', 'trivy'),
    // Registries keep pointing at the real one: an unreachable registry's 502 is the truth, not a bug.
    'CreateRegistryBody.url': fc.constant(registry.url),
    'UpdateRegistryBody.url': fc.constant(registry.url),
    url: fc.constantFrom('https://ci.example.com/job/1/', 'http://127.0.0.1:9/hooks'),
    schedule: fc.constantFrom('0 3 * * *', '*/15 * * * *', '0 0 3 * * *'),
    include: fc.constantFrom('\\d+', '.*-rc.*', '1'),
    exclude: fc.constantFrom('\\d+', '.*-rc.*'),
    semver: fc.constantFrom('>=1 <2', '^3.19'),
    tagPattern: fc.constantFrom(null, '\\d+\\.\\d+\\.\\d+'),
    'requiredReferrers[]': fc.constantFrom(
      'application/vnd.dev.cosign.artifact.sig.v1+json',
      'application/spdx+json',
    ),
    caPem: fc.constantFrom(null, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'),
    secret: fc.string({ minLength: 16, maxLength: 40 }),
    mediaType: fc.constant('application/vnd.oci.image.manifest.v1+json'),
    action: fc.constantFrom('push', 'pull', 'delete'),
  };
}

/** A well-formed token nobody issued. */
export const unknownToken = (): string => generateToken();

/**
 * An open integrity finding of `prod-eu`, as a run records it: the audit runs in a worker, which
 * this test does not start, so the acknowledge route gets a real finding to name.
 */
export async function seedFinding(pg: Client): Promise<string> {
  const [run] = (
    await pg.query<{ id: string }>(
      `INSERT INTO integrity_runs (registry_id, status, trigger)
         SELECT id, 'succeeded', 'manual' FROM registries WHERE name = 'prod-eu' RETURNING id`,
    )
  ).rows;
  const [finding] = (
    await pg.query<{ id: string }>(
      `INSERT INTO integrity_findings
         (registry_id, repository, tag, kind, actual_digest, first_seen_run_id, last_seen_run_id)
         SELECT registry_id, 'team/app', 'build', 'unexpected-tag', $2, id, id
           FROM integrity_runs WHERE id = $1 RETURNING id`,
      [run!.id, `sha256:${'f'.repeat(64)}`],
    )
  ).rows;
  return finding!.id;
}
