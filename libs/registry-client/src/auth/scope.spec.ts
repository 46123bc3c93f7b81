import { normalizeScopes, scopeKey, Scopes, scopeStrings } from './scope';

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

describe('normalizeScopes', () => {
  it('merges the actions of one repository and orders them canonically', () => {
    expect(
      normalizeScopes(['repository:a:pull,push', 'repository:a:push,pull', 'repository:b:pull']),
    ).toEqual(['repository:a:pull,push', 'repository:b:pull']);
    expect(normalizeScopes(['repository:a:push', 'repository:a:pull'])).toEqual([
      'repository:a:pull,push',
    ]);
  });

  it('keeps repository names with ports and slashes intact and passes odd scopes through', () => {
    expect(normalizeScopes(['repository:team/app:pull', 'registry:catalog:*', 'weird'])).toEqual([
      'repository:team/app:pull',
      'registry:catalog:*',
      'weird',
    ]);
  });
});
