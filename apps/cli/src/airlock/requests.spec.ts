import { UsageError } from './connection';
import {
  approveRequest,
  collectList,
  gateRequest,
  parseDetails,
  promoteRequest,
  readinessRequest,
  registerRequest,
  statusRequest,
} from './requests';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('CLI arguments → API requests', () => {
  it('register: a tag, with build metadata only as given', () => {
    expect(
      registerRequest({
        registry: 'ci-pool',
        repository: 'team/app',
        tag: 'build-7',
        commit: 'abc',
      }),
    ).toEqual({
      method: 'POST',
      path: '/api/v1/images',
      body: {
        registry: 'ci-pool',
        repository: 'team/app',
        tag: 'build-7',
        build: { commit: 'abc' },
      },
    });
    expect(registerRequest({ registry: 'r', repository: 'x', digest: DIGEST }).body).toEqual({
      registry: 'r',
      repository: 'x',
      digest: DIGEST,
    });
    expect(
      registerRequest({
        registry: 'r',
        repository: 'x',
        digest: DIGEST,
        buildUrl: 'https://ci/1',
        pipelineId: '1',
      }).body!.build,
    ).toEqual({ url: 'https://ci/1', pipelineId: '1' });
  });

  it('register: exactly one of --tag and --digest, else a usage error', () => {
    expect(() => registerRequest({ registry: 'r', repository: 'x' })).toThrow(UsageError);
    expect(() =>
      registerRequest({ registry: 'r', repository: 'x', tag: 't', digest: DIGEST }),
    ).toThrow('give exactly one of --tag and --digest');
  });

  it('gate: the digest in the path, details parsed as a JSON object', () => {
    expect(
      gateRequest(DIGEST, {
        gate: 'unit-tests',
        status: 'passed',
        url: 'https://ci/1',
        details: '{"passed": 812}',
      }),
    ).toEqual({
      method: 'POST',
      path: `/api/v1/gates/${encodeURIComponent(DIGEST)}/results`,
      body: { gate: 'unit-tests', status: 'passed', url: 'https://ci/1', details: { passed: 812 } },
    });
    expect(gateRequest(DIGEST, { gate: 'scan', status: 'failed' }).body).toEqual({
      gate: 'scan',
      status: 'failed',
    });
  });

  it('gate: --details that is not a JSON object is a usage error', () => {
    expect(() => parseDetails('{nope')).toThrow(/--details is not valid JSON/);
    expect(() => parseDetails('[1, 2]')).toThrow(/must be a JSON object/);
    expect(() => parseDetails('null')).toThrow(UsageError);
  });

  it('approve: an empty body lets Airlock pick the approval gate', () => {
    expect(approveRequest(DIGEST, {})).toEqual({
      method: 'POST',
      path: `/api/v1/gates/${encodeURIComponent(DIGEST)}/approvals`,
      body: {},
    });
    expect(approveRequest(DIGEST, { gate: 'release', comment: 'ok' }).body).toEqual({
      gate: 'release',
      comment: 'ok',
    });
  });

  it('promote: flags become the body fields, the key becomes the Idempotency-Key header', () => {
    expect(
      promoteRequest({
        repository: 'team/app',
        digest: DIGEST,
        from: 'ci',
        sourceRegistry: 'ci-pool',
        to: 'prod',
        targetRepository: 'release/app',
        tagAs: ['1.4.2', 'stable'],
        dryRun: true,
        idempotencyKey: 'jenkins-42',
      }),
    ).toEqual({
      method: 'POST',
      path: '/api/v1/promotions',
      body: {
        repository: 'team/app',
        digest: DIGEST,
        source: 'ci',
        sourceRegistry: 'ci-pool',
        target: 'prod',
        targetRepository: 'release/app',
        tags: ['1.4.2', 'stable'],
        dryRun: true,
      },
      headers: { 'Idempotency-Key': 'jenkins-42' },
    });
  });

  it('promote: the minimal request has no tags, dryRun or header', () => {
    expect(promoteRequest({ repository: 'x', tag: 'build-1', from: 'ci', to: 'qa' })).toEqual({
      method: 'POST',
      path: '/api/v1/promotions',
      body: { repository: 'x', tag: 'build-1', source: 'ci', target: 'qa' },
      headers: undefined,
    });
    expect(() => promoteRequest({ repository: 'x', from: 'ci', to: 'qa' })).toThrow(
      'give exactly one of --digest and --tag',
    );
  });

  it('status and readiness: GETs, readiness tags comma-separated', () => {
    expect(statusRequest('0b6f0a2e-3c0e-4a43-9b55-2f8c2a3e8e0b')).toEqual({
      method: 'GET',
      path: '/api/v1/promotions/0b6f0a2e-3c0e-4a43-9b55-2f8c2a3e8e0b',
    });
    expect(
      readinessRequest(DIGEST, { stage: 'prod', source: 'ci', tag: ['1.0.0', 'stable'] }),
    ).toEqual({
      method: 'GET',
      path: `/api/v1/gates/${encodeURIComponent(DIGEST)}/readiness?stage=prod&source=ci&tags=1.0.0%2Cstable`,
    });
    expect(readinessRequest(DIGEST, { stage: 'prod' }).path).toMatch(/readiness\?stage=prod$/);
  });

  it('repeatable list flags also split on commas', () => {
    expect(collectList('1.0.0')).toEqual(['1.0.0']);
    expect(collectList('stable, latest-ok', ['1.0.0'])).toEqual(['1.0.0', 'stable', 'latest-ok']);
  });
});
