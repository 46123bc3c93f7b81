import { DIGEST, json, run, TOKEN } from '../../test/cli-run';

describe('airlock register, gate, approve (in-process, canned answers)', () => {
  it('register sends the body with the bearer token and prints the digest', async () => {
    const result = await run(
      ['register', '--registry', 'ci-pool', '--repository', 'team/app', '--tag', 'b1'],
      [json(201, { digest: DIGEST, repository: 'team/app' })],
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${DIGEST}\n`);
    expect(result.sent).toEqual([
      expect.objectContaining({
        url: 'http://airlock.test/api/v1/images',
        method: 'POST',
        body: { registry: 'ci-pool', repository: 'team/app', tag: 'b1' },
      }),
    ]);
    expect(result.sent[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('gate: --url after the command is the evidence URL, not Airlock', async () => {
    const result = await run(
      ['gate', DIGEST, '--gate', 'unit-tests', '--status', 'passed', '--url', 'https://ci/1'],
      [json(201, { digest: DIGEST, gate: 'unit-tests', status: 'passed', recordedByName: 'ci' })],
    );
    expect(result.code).toBe(0);
    expect(result.sent[0]!.url).toBe(
      `http://airlock.test/api/v1/gates/${encodeURIComponent(DIGEST)}/results`,
    );
    expect(result.sent[0]!.body).toEqual({
      gate: 'unit-tests',
      status: 'passed',
      url: 'https://ci/1',
    });
    expect(result.stdout).toBe(`recorded unit-tests passed for ${DIGEST}\n`);
  });
});
