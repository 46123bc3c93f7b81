import { UsageError } from './connection';
import { readReleaseFile, releaseRequest, releaseStatusRequest } from './release-requests';

const ITEMS = [{ repository: 'team/app', tag: 'build-42', tags: ['2026.12'] }];
const reading = (text: string) => () => text;

describe('release file → POST /api/v1/releases', () => {
  it('reads the file as the body; --dry-run and the key are added, nothing else', () => {
    const file = readReleaseFile(
      'release.json',
      reading(JSON.stringify({ name: 'n', source: 'ci', target: 'prod', items: ITEMS })),
    );
    expect(releaseRequest(file, { dryRun: true, idempotencyKey: 'k-1' })).toEqual({
      method: 'POST',
      path: '/api/v1/releases',
      body: { name: 'n', source: 'ci', target: 'prod', items: ITEMS, dryRun: true },
      headers: { 'Idempotency-Key': 'k-1' },
    });
    expect(releaseRequest(file, { to: 'prod-us' })).toEqual({
      method: 'POST',
      path: '/api/v1/releases',
      body: { name: 'n', source: 'ci', target: 'prod-us', items: ITEMS },
      headers: undefined,
    });
  });

  it('a file that is not a release is a usage error', () => {
    const read = (text: string) => () => readReleaseFile('r.json', reading(text));
    expect(read('[1]')).toThrow('must hold a JSON object');
    expect(read('{"source": "ci", "items": []}')).toThrow('needs "items"');
    expect(read('{"items": ["team/app"]}')).toThrow(UsageError);
    expect(read('not json')).toThrow(/r\.json is not valid JSON/);
    const unreadable = () => {
      throw new Error("EISDIR: illegal operation on a directory, read 'r.json'");
    };
    expect(() => readReleaseFile('r.json', unreadable)).toThrow(
      "cannot read the release file: EISDIR: illegal operation on a directory, read 'r.json'",
    );
  });

  it('source and target come from the file or --from/--to; a blank one is a usage error', () => {
    const file = { source: ' ', items: ITEMS };
    expect(() => releaseRequest(file, { to: 'prod' })).toThrow(
      'the release names no source stage: give "source" in the release file, or --from',
    );
    expect(releaseRequest(file, { from: 'ci', to: 'prod' }).body.source).toBe('ci');
  });

  it('release-status asks for the release, the id escaped', () => {
    expect(releaseStatusRequest('a/b')).toEqual({
      method: 'GET',
      path: '/api/v1/releases/a%2Fb',
    });
  });
});
