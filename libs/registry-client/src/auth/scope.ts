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

const ACTION_ORDER = ['pull', 'push', 'delete', '*'];

/**
 * One scope string per resource, actions merged and in a canonical order. A registry's challenge
 * may name `push,pull` where we asked for `pull,push`; asking for both would be redundant and,
 * worse, would make the same access look like a different token in the cache.
 */
export function normalizeScopes(scopes: readonly string[]): string[] {
  const merged = new Map<string, Set<string>>();
  const passthrough: string[] = [];
  for (const scope of scopes) {
    const cut = scope.lastIndexOf(':');
    const resource = scope.slice(0, cut);
    if (cut <= 0 || !resource.includes(':')) {
      passthrough.push(scope);
      continue;
    }
    const actions = merged.get(resource) ?? new Set<string>();
    for (const action of scope
      .slice(cut + 1)
      .split(',')
      .filter(Boolean))
      actions.add(action);
    merged.set(resource, actions);
  }
  const rank = (a: string) =>
    ACTION_ORDER.includes(a) ? ACTION_ORDER.indexOf(a) : ACTION_ORDER.length;
  const normalized = [...merged].map(
    ([resource, actions]) =>
      `${resource}:${[...actions].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).join(',')}`,
  );
  return [...new Set([...normalized, ...passthrough])];
}
