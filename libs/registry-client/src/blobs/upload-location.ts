/** Resolves an upload `Location` (distribution sends absolute URLs, others paths) against the URL that answered. */
export function resolveLocation(location: string | undefined, base: URL): URL | undefined {
  if (!location) return undefined;
  try {
    const url = new URL(location, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The upload URL with `digest=` added. Appended as text: the registry's own query (its `_state`)
 * must come back exactly as given, which re-serialising through URLSearchParams does not promise.
 */
export function withDigest(location: URL, digest: string): URL {
  const url = new URL(location.href);
  const param = `digest=${encodeURIComponent(digest)}`;
  url.search = url.search.length > 1 ? `${url.search}&${param}` : `?${param}`;
  return url;
}
