import { DIGEST, ID, json, promotion, run } from '../../test/cli-run';

describe('airlock CLI: connection, exit codes, help (in-process, canned answers)', () => {
  it('--url and --token flags win over the environment, before or after the command', async () => {
    const before = await run(
      ['--url', 'http://flag.test', '--token', 'alk_flag', 'status', ID],
      [json(200, promotion('running'))],
    );
    expect(before.sent[0]!.url).toBe(`http://flag.test/api/v1/promotions/${ID}`);
    expect(before.sent[0]!.headers.authorization).toBe('Bearer alk_flag');
    const after = await run(
      ['status', ID, '--url', 'http://flag.test'],
      [json(200, promotion('queued'))],
    );
    expect(after.sent[0]!.url).toBe(`http://flag.test/api/v1/promotions/${ID}`);
  });

  it('a 5xx exits 3; a 4xx exits 1; an answer that is not JSON is described', async () => {
    const bad = await run(
      ['approve', DIGEST],
      [new Response('<html><body>Bad gateway</body></html>', { status: 502 })],
    );
    expect(bad.code).toBe(3);
    expect(bad.stderr).toBe('error: approval refused (HTTP 502): Bad gateway\n');
    const forbidden = await run(
      ['approve', DIGEST],
      [json(403, { code: 'FORBIDDEN', status: 403, detail: 'four-eyes' })],
    );
    expect(forbidden.code).toBe(1);
  });

  it('usage errors exit 2: missing URL and token, bad flags, unknown commands', async () => {
    const missing = await run(['status', ID], [], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('AIRLOCK_URL');
    expect(missing.stderr).toContain('AIRLOCK_TOKEN');
    expect(missing.sent).toEqual([]);
    expect((await run(['gate', DIGEST, '--gate', 'x', '--status', 'ok'])).code).toBe(2);
    expect(
      (await run(['gate', DIGEST, '--gate', 'x', '--status', 'passed', '--details', '['])).code,
    ).toBe(2);
    expect((await run(['register', '--registry', 'r'])).code).toBe(2);
    expect((await run(['nope'])).code).toBe(2);
    expect((await run([])).code).toBe(2);
  });

  it('--help exits 0 and documents the exit codes', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toContain('AIRLOCK_TOKEN');
  });

  it('no answer at all exits 3, naming the cause', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED',
    });
    const result = await run(['status', ID], [new TypeError('fetch failed', { cause: refused })]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'error: cannot reach Airlock at http://airlock.test: connect ECONNREFUSED 127.0.0.1:9\n',
    );
  });
});
