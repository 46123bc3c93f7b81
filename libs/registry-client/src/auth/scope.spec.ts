import { scopeKey, Scopes, scopeStrings } from './scope';

describe('scopes', () => {
  it('asks pull for reads, pull,push for writes', () => {
    expect(scopeStrings(Scopes.pull('team/app'))).toEqual(['repository:team/app:pull']);
    expect(scopeStrings(Scopes.push('team/app'))).toEqual(['repository:team/app:pull,push']);
    expect(scopeStrings(Scopes.none)).toEqual([]);
  });

  it('asks one token for push on the target and pull on the mount source', () => {
    expect(scopeStrings(Scopes.mount('prod/app', 'ci/app'))).toEqual([
      'repository:prod/app:pull,push',
      'repository:ci/app:pull',
    ]);
    expect(scopeStrings(Scopes.mount('prod/app', 'prod/app'))).toEqual([
      'repository:prod/app:pull,push',
    ]);
  });

  it('keys a scope set independently of order and duplicates', () => {
    expect(scopeKey(['repository:b:pull', 'repository:a:pull,push', 'repository:b:pull'])).toBe(
      scopeKey(['repository:a:pull,push', 'repository:b:pull']),
    );
    expect(scopeKey([])).toBe('');
  });
});
