import { Scopes } from '../auth/scope';
import { errorForResponse } from '../errors/response-error';
import { parseNextLink } from '../http/link-header';
import { checkRepository } from '../references';
import { RegistryError } from '../registry-error';
import type { RegistryRequester } from '../request/registry-requester';

const PAGE_BODY_LIMIT = 16 * 1024 * 1024;
// A registry whose Link never ends (or loops) must not keep us paging forever.
const MAX_PAGES = 10_000;

/** `GET /v2/<name>/tags/list?n=`, following `Link: <…>; rel="next"` to the end. */
export class TagLister {
  constructor(
    private readonly registry: string,
    private readonly requester: RegistryRequester,
    private readonly pageSize: number,
  ) {}

  async list(repository: string): Promise<string[]> {
    checkRepository(this.registry, repository);
    const tags: string[] = [];
    const seen = new Set<string>();
    let next: string | URL | undefined = `/v2/${repository}/tags/list?n=${this.pageSize}`;
    while (next !== undefined) {
      const key = String(next);
      if (seen.has(key) || seen.size >= MAX_PAGES)
        throw this.invalid(repository, `tag pagination does not end (${seen.size} pages)`);
      seen.add(key);
      const response = await this.requester.send({
        method: 'GET',
        target: next,
        scope: Scopes.pull(repository),
        headers: { Accept: 'application/json' },
        response: { kind: 'buffer', limit: PAGE_BODY_LIMIT },
      });
      // NAME_UNKNOWN: a repository nothing was pushed to yet has no tags.
      if (response.status === 404 && tags.length === 0) return [];
      if (response.status !== 200) {
        throw errorForResponse({
          registry: this.registry,
          operation: `GET ${response.url.pathname}`,
          status: response.status,
          body: response.body,
        });
      }
      tags.push(...this.page(repository, response.body));
      next = parseNextLink(response.headers.link, response.url);
    }
    return tags;
  }

  private page(repository: string, body: Buffer): string[] {
    let parsed: { tags?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw this.invalid(repository, 'the tag list is not JSON');
    }
    // distribution answers `"tags": null` for a repository whose tags were all deleted.
    if (parsed.tags === null || parsed.tags === undefined) return [];
    if (!Array.isArray(parsed.tags) || parsed.tags.some((t) => typeof t !== 'string'))
      throw this.invalid(repository, 'tags is not a list of strings');
    return parsed.tags as string[];
  }

  private invalid(repository: string, reason: string): RegistryError {
    const operation = `GET /v2/${repository}/tags/list`;
    return new RegistryError(
      'REGISTRY_ERROR',
      `registry "${this.registry}": ${operation}: ${reason}`,
      { registry: this.registry, operation, retryable: false },
    );
  }
}
