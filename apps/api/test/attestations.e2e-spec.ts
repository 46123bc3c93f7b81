import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attach, IN_TOTO_PAYLOAD_TYPE, keyIdOf } from '@airlock/attestations';
import { generateToken } from '@airlock/auth';
import { RegistryClient } from '@airlock/registry-client';
import {
  AirlockProcess,
  buildImage,
  ImagePusher,
  RegistryFixture,
  Skopeo,
  waitFor,
  type TestDatabase,
  type TestRedis,
} from '@airlock/testing';
import type { CliIo } from '../../cli/src/airlock/output';
import { runCli } from '../../cli/src/airlock/program';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';

const DSSE = 'application/vnd.dsse.envelope.v1+json';
const VSA = 'https://slsa.dev/verification_summary/v1';

interface Layer {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}
interface Envelope {
  payloadType: string;
  payload: string;
  signatures: Array<{ keyid: string; sig: string }>;
}

/** DSSE's pre-authentication encoding, written here from the spec, not taken from Airlock. */
function pae(type: string, body: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `),
    body,
  ]);
}

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { isTTY: false, write: (t: string) => void (stdout += t) },
    stderr: { isTTY: false, write: (t: string) => void (stderr += t) },
    env,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/**
 * Signed promotion attestations as an admission controller meets them: real API and worker
 * processes with an ECDSA P-256 key, CNCF distribution registries (no referrers API: the
 * `sha256-<hex>` fallback), openssl as the independent verifier, and `airlock verify`.
 */
describe('signed promotion attestations', () => {
  const adminToken = generateToken();
  const dir = mkdtempSync(join(tmpdir(), 'airlock-attest-'));
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keyFile = join(dir, 'signing.pem');
  const pubFile = join(dir, 'signing.pub');
  const otherPub = join(dir, 'other.pub');
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let worker: AirlockProcess;
  let ci: RegistryFixture;
  let staging: RegistryFixture;
  let prod: RegistryFixture;
  let ciToken: string;
  let digest: string;
  let promotionId: string;

  const rawAt = async (registry: RegistryFixture, ref: string) =>
    JSON.parse((await Skopeo.inspectRaw(`${registry.host}/${ref}`, { tls: false })).toString()) as {
      manifests?: Layer[];
      layers?: Layer[];
      artifactType?: string;
    };
  const blobAt = async (registry: RegistryFixture, repository: string, blob: string) =>
    Buffer.from(
      await (await fetch(`${registry.url}/v2/${repository}/blobs/${blob}`)).arrayBuffer(),
    );
  const promote = async (source: string, target: string) => {
    const accepted = await api.call<{ id: string }>('POST', '/api/v1/promotions', {
      token: ciToken,
      body: { repository: 'team/app', digest, source, target, tags: [`1.0-${target}`] },
    });
    expect(accepted.status).toBe(202);
    const done = await waitFor(
      `promotion to ${target}`,
      async () => {
        const shown = await api.call<{ status: string }>(
          'GET',
          `/api/v1/promotions/${accepted.body.id}`,
          { token: ciToken },
        );
        return ['succeeded', 'failed', 'cancelled'].includes(shown.body.status)
          ? shown.body
          : undefined;
      },
      45000,
    );
    expect(done.status).toBe('succeeded');
    return accepted.body.id;
  };

  beforeAll(async () => {
    writeFileSync(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(pubFile, keys.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(
      otherPub,
      generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
        type: 'spki',
        format: 'pem',
      }),
    );
    [ci, staging, prod] = await Promise.all([
      RegistryFixture.start({ auth: 'none', name: 'attest-ci' }),
      RegistryFixture.start({ auth: 'none', name: 'attest-staging' }),
      RegistryFixture.start({ auth: 'none', name: 'attest-prod' }),
    ]);
    const env = { AIRLOCK_SIGNING_KEY_FILE: keyFile };
    ({ db, redis, api } = await startTestApi('attestations', adminToken, env));
    worker = AirlockProcess.start('worker', {
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
      ...env,
    });
    await worker.waitForLog(/worker consuming queues: .*promotion/);
    const admin = (method: string, path: string, body: unknown) =>
      api.call<{ token: string }>(method, path, { token: adminToken, body });
    for (const [name, registry, role] of [
      ['ci', ci, 'ci'],
      ['staging', staging, 'ci'],
      ['prod', prod, 'prod'],
    ] as const) {
      expect(
        (await admin('POST', '/api/v1/registries', { name, url: registry.url, role })).status,
      ).toBe(201);
      expect((await admin('POST', '/api/v1/stages', { name, registries: [name] })).status).toBe(
        201,
      );
    }
    await admin('PUT', '/api/v1/stages/staging/policy', {
      allowedSourceStages: ['ci'],
      requiredGates: ['unit-tests'],
    });
    await admin('PUT', '/api/v1/stages/prod/policy', {
      allowedSourceStages: ['staging'],
      requiredGates: ['unit-tests'],
      approvalsRequired: 1,
    });
    ciToken = (await admin('POST', '/api/v1/tokens', { name: 'jenkins', role: 'ci' })).body.token;
    const approver = (await admin('POST', '/api/v1/tokens', { name: 'qa-lead', role: 'approver' }))
      .body.token;
    const pusher = new ImagePusher(ci);
    try {
      digest = (await pusher.push('team/app', buildImage({ layers: [{ size: 4096 }] }), ['build']))
        .digest;
    } finally {
      pusher.close();
    }
    await api.call('POST', '/api/v1/images', {
      token: ciToken,
      body: { registry: 'ci', repository: 'team/app', tag: 'build' },
    });
    await api.call('POST', `/api/v1/gates/${digest}/results`, {
      token: ciToken,
      body: { gate: 'unit-tests', status: 'passed', url: 'https://ci.example/1' },
    });
    await api.call('POST', `/api/v1/gates/${digest}/approvals`, {
      token: approver,
      body: { comment: 'looks good' },
    });
    await promote('ci', 'staging');
    promotionId = await promote('staging', 'prod');
  });

  afterAll(async () => {
    await worker?.stop();
    await stopTestApi({ api, redis, db });
    await Promise.all([ci?.stop(), staging?.stop(), prod?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the public key without a token', async () => {
    const answer = await fetch(`${api.base}/api/v1/signing-keys`);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as {
      keys: Array<{ keyId: string; algorithm: string; publicKeyPem: string; current: boolean }>;
    };
    expect(body.keys).toEqual([
      {
        keyId: keyIdOf(keys.publicKey),
        algorithm: 'ecdsa-p256',
        publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        current: true,
      },
    ]);
  });

  it('serves the attestation in Prod as a referrer (tag fallback) and as the cosign .att image, one per stage, carried along', async () => {
    const hex = digest.slice('sha256:'.length);
    const index = await rawAt(prod, `team/app:sha256-${hex}`);
    const attestations = index.manifests!.filter((m) => m.artifactType === DSSE);
    // staging's (carried by the copy like any referrer) and prod's own.
    expect(attestations.map((a) => a.annotations?.['dev.airlock.stage']).sort()).toEqual([
      'prod',
      'staging',
    ]);
    const att = await rawAt(prod, `team/app:sha256-${hex}.att`);
    expect(att.layers!.map((l) => [l.mediaType, l.annotations?.predicateType])).toEqual([
      [DSSE, VSA],
      [DSSE, VSA],
    ]);
    // Staging has its own one only.
    expect((await rawAt(staging, `team/app:sha256-${hex}.att`)).layers).toHaveLength(1);
  });

  it('verifies with openssl over the DSSE encoding, and states the promotion: subject, stage, policy, gates, approvals', async () => {
    const hex = digest.slice('sha256:'.length);
    const prodReferrer = (await rawAt(prod, `team/app:sha256-${hex}`)).manifests!.find(
      (m) => m.annotations?.['dev.airlock.stage'] === 'prod',
    )!;
    const manifest = await rawAt(prod, `team/app@${prodReferrer.digest}`);
    const envelope = JSON.parse(
      (await blobAt(prod, 'team/app', manifest.layers![0]!.digest)).toString(),
    ) as Envelope;
    expect(envelope.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    const payload = Buffer.from(envelope.payload, 'base64');
    writeFileSync(join(dir, 'pae.bin'), pae(envelope.payloadType, payload));
    writeFileSync(join(dir, 'sig.der'), Buffer.from(envelope.signatures[0]!.sig, 'base64'));
    const openssl = (pub: string) =>
      execFileSync(
        'openssl',
        [
          'dgst',
          '-sha256',
          '-verify',
          pub,
          '-signature',
          join(dir, 'sig.der'),
          join(dir, 'pae.bin'),
        ],
        {
          encoding: 'utf8',
        },
      );
    expect(openssl(pubFile)).toContain('Verified OK');
    expect(() => openssl(otherPub)).toThrow();

    const statement = JSON.parse(payload.toString()) as {
      _type: string;
      subject: Array<{ name: string; digest: { sha256: string } }>;
      predicateType: string;
      predicate: {
        verificationResult: string;
        verifiedLevels: string[];
        policy: { uri: string; digest: { sha256: string } };
        airlock: {
          promotionId: string;
          source: { stage: string };
          target: { stage: string; registry: string };
          gates: Array<{ gate: string; status: string; url: string }>;
          approvals: Array<{ approver: string }>;
          policy: { requiredGates: string[]; approvalsRequired: number };
          requestedBy: { name: string };
        };
      };
    };
    expect(statement._type).toBe('https://in-toto.io/Statement/v1');
    expect(statement.subject).toEqual([{ name: `${prod.host}/team/app`, digest: { sha256: hex } }]);
    expect(statement.predicateType).toBe(VSA);
    expect(statement.predicate).toMatchObject({
      verificationResult: 'PASSED',
      verifiedLevels: ['AIRLOCK_STAGE_PROD'],
      policy: { uri: 'airlock:stage/prod/policy' },
    });
    expect(statement.predicate.airlock).toMatchObject({
      promotionId,
      source: { stage: 'staging' },
      target: { stage: 'prod', registry: 'prod' },
      policy: { requiredGates: ['unit-tests'], approvalsRequired: 1 },
      requestedBy: { name: 'jenkins' },
    });
    expect(statement.predicate.airlock.gates).toEqual([
      expect.objectContaining({
        gate: 'unit-tests',
        status: 'passed',
        url: 'https://ci.example/1',
      }),
    ]);
    expect(statement.predicate.airlock.approvals).toEqual([
      expect.objectContaining({ approver: 'qa-lead' }),
    ]);
  });

  it('airlock verify: passes for prod with the key or the published keys; fails for another stage, another key, a changed payload or another subject', async () => {
    const ref = `${prod.host}/team/app@${digest}`;
    const ok = await run(['verify', ref, '--stage', 'prod', '--key', pubFile, '--plain-http']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`promotion ${promotionId} staging → prod (prod)`);
    expect(ok.stdout).toContain('gates: unit-tests passed');
    expect(ok.stdout).toContain('approvals: qa-lead');
    const published = await run(['verify', ref, '--stage', 'prod', '--plain-http'], {
      AIRLOCK_URL: api.base,
    });
    expect(published.code).toBe(0);

    const otherStage = await run([
      'verify',
      ref,
      '--stage',
      'qa',
      '--key',
      pubFile,
      '--plain-http',
    ]);
    expect(otherStage.code).toBe(1);
    expect(otherStage.stderr).toContain('does not attest stage qa');
    const otherKey = await run(['verify', ref, '--key', otherPub, '--plain-http']);
    expect(otherKey.code).toBe(1);
    expect(otherKey.stderr).toContain('no signature verifies');

    // Forgeries attached to the same digest in a repository of their own.
    const registry = new RegistryClient({ name: 'prod', url: prod.url });
    const subject = await registry.headManifest('team/app', digest);
    const copy = async (repository: string) => {
      await Skopeo.copy(`${prod.host}/team/app@${digest}`, `${prod.host}/${repository}:x`, {
        src: { tls: false },
        dest: { tls: false },
      });
    };
    const signed = (statement: unknown) => {
      const body = Buffer.from(JSON.stringify(statement));
      const sig = sign(
        'sha256',
        pae(IN_TOTO_PAYLOAD_TYPE, body),
        createPrivateKey(keys.privateKey.export({ type: 'pkcs8', format: 'pem' })),
      );
      return { payloadType: IN_TOTO_PAYLOAD_TYPE, payload: body, sig: sig.toString('base64') };
    };
    const statementFor = (hex: string) => ({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'x', digest: { sha256: hex } }],
      predicateType: VSA,
      predicate: { verificationResult: 'PASSED', verifiedLevels: ['AIRLOCK_STAGE_PROD'] },
    });
    const forge = async (repository: string, envelope: Envelope) => {
      await copy(repository);
      await attach({
        registry,
        repository,
        subject: subject!,
        envelope: Buffer.from(JSON.stringify(envelope)),
        promotionId: `forged-${repository}`,
        stage: 'prod',
        createdAt: new Date(),
      });
      return run([
        'verify',
        `${prod.host}/${repository}@${digest}`,
        '--stage',
        'prod',
        '--key',
        pubFile,
        '--plain-http',
      ]);
    };
    const good = signed(statementFor(digest.slice(7)));
    const changed = Buffer.from(good.payload.toString().replace('PASSED', 'PASSED '));
    const tampered = await forge('forged/payload', {
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      payload: changed.toString('base64'),
      signatures: [{ keyid: 'k', sig: good.sig }],
    });
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('no signature verifies');
    const elsewhere = signed(statementFor('0'.repeat(64)));
    const wrongSubject = await forge('forged/subject', {
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      payload: elsewhere.payload.toString('base64'),
      signatures: [{ keyid: 'k', sig: elsewhere.sig }],
    });
    expect(wrongSubject.code).toBe(1);
    expect(wrongSubject.stderr).toContain(`its subject is not ${digest}`);
    // The control: the same forge path with an honest envelope verifies.
    const honest = await forge('forged/honest', {
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      payload: good.payload.toString('base64'),
      signatures: [{ keyid: 'k', sig: good.sig }],
    });
    expect(honest.code).toBe(0);
  });

  it('states the evidence of the request: a gate recorded after the promotion is not in it', async () => {
    await api.call('POST', `/api/v1/gates/${digest}/results`, {
      token: ciToken,
      body: { gate: 'late-scan', status: 'passed' },
    });
    const checked = await run([
      'verify',
      `${prod.host}/team/app@${digest}`,
      '--stage',
      'prod',
      '--key',
      pubFile,
      '--plain-http',
      '--json',
    ]);
    expect(checked.code).toBe(0);
    const list = JSON.parse(checked.stdout) as Array<{
      verified: boolean;
      statement: { predicate: { airlock: { gates: Array<{ gate: string }> } } };
    }>;
    const prodOne = list.find(
      (c) =>
        c.verified &&
        (c.statement.predicate as unknown as { verifiedLevels: string[] }).verifiedLevels.includes(
          'AIRLOCK_STAGE_PROD',
        ),
    )!;
    expect(prodOne.statement.predicate.airlock.gates.map((g) => g.gate)).toEqual(['unit-tests']);
  });
});
