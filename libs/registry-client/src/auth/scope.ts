export type RepositoryAction = 'pull' | 'push';

/** Access to one repository, as a token request asks for it. */
export interface RepositoryAccess {
  repository: string;
  actions: RepositoryAction[];
}

/** What one request needs; empty for `/v2/` (a token for no repository at all). */
export type Scope = readonly RepositoryAccess[];

export const Scopes = {
  none: [] as Scope,
  pull: (repository: string): Scope => [{ repository, actions: ['pull'] }],
  push: (repository: string): Scope => [{ repository, actions: ['pull', 'push'] }],
  /** A cross-repository mount needs push on the target and pull on the source, in one token. */
  mount: (repository: string, from: string): Scope =>
    from === repository
      ? Scopes.push(repository)
      : [...Scopes.push(repository), ...Scopes.pull(from)],
};

/** Docker token-spec scope strings: `repository:team/app:pull,push`. */
export function scopeStrings(scope: Scope): string[] {
  return scope.map((access) => `repository:${access.repository}:${access.actions.join(',')}`);
}

/** A stable key for a set of scopes: the same access in any order is the same token. */
export function scopeKey(scopes: readonly string[]): string {
  return [...new Set(scopes)].sort().join(' ');
}
