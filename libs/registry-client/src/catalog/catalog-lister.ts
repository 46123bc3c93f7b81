import { Scopes } from '../auth/scope';
import { errorForResponse } from '../errors/response-error';
import { parseNextLink } from '../http/link-header';
import { RegistryError } from '../registry-error';
import type { RegistryRequester } from '../request/registry-requester';

const PAGE_BODY_LIMIT = 16 * 1024 * 1024;
// A registry whose Link never ends (or loops) must not keep us paging forever.
const MAX_PAGES = 10_000;

/**
 * `GET /v2/_catalog?n=`, following `Link: <…>; rel="next"`, stopping once `limit` repositories
 * are listed. The request asks for no repository scope: a bearer registry's challenge names
 * `registry:catalog:*`, which the authenticator adds to the token it fetches.
 */
export class CatalogLister {
  constructor(
    private readonly registry: string,
    private readonly requester: RegistryRequester,
    private readonly pageSize: number,
  ) {}

  /** The repositories, in the registry's order; `complete` is false when `limit` cut the list. */
  async list(
    limit = Number.POSITIVE_INFINITY,
  ): Promise<{ repositories: string[]; complete: boolean }> {
    const repositories: string[] = [];
    const seen = new Set<string>();
    let next: string | URL | undefined = `/v2/_catalog?n=${this.pageSize}`;
    while (next !== undefined) {
      if (repositories.length >= limit)
        return { repositories: repositories.slice(0, limit), complete: false };
      const key = String(next);
      if (seen.has(key) || seen.size >= MAX_PAGES)
        throw this.invalid(`catalog pagination does not end (${seen.size} pages)`);
      seen.add(key);
      const response = await this.requester.send({
        method: 'GET',
        target: next,
        scope: Scopes.none,
        headers: { Accept: 'application/json' },
        response: { kind: 'buffer', limit: PAGE_BODY_LIMIT },
      });
      if (response.status !== 200) {
        throw errorForResponse({
          registry: this.registry,
          operation: `GET ${response.url.pathname}`,
          status: response.status,
          body: response.body,
        });
      }
      repositories.push(...this.page(response.body));
      next = parseNextLink(response.headers.link, response.url);
    }
    if (repositories.length > limit)
      return { repositories: repositories.slice(0, limit), complete: false };
    return { repositories, complete: true };
  }

  private page(body: Buffer): string[] {
    let parsed: { repositories?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw this.invalid('the catalog is not JSON');
    }
    if (parsed.repositories === null || parsed.repositories === undefined) return [];
    if (
      !Array.isArray(parsed.repositories) ||
      parsed.repositories.some((r) => typeof r !== 'string')
    )
      throw this.invalid('repositories is not a list of strings');
    return parsed.repositories as string[];
  }

  private invalid(reason: string): RegistryError {
    const operation = 'GET /v2/_catalog';
    return new RegistryError(
      'REGISTRY_ERROR',
      `registry "${this.registry}": ${operation}: ${reason}`,
      { registry: this.registry, operation, retryable: false },
    );
  }
}
