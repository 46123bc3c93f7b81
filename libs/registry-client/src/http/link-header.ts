/**
 * The `rel="next"` target of an RFC 8288 `Link` header, resolved against `base` (distribution
 * sends a relative `</v2/app/tags/list?last=b&n=2>; rel="next"`, others absolute URLs).
 */
export function parseNextLink(header: string | undefined, base: URL): URL | undefined {
  if (!header) return undefined;
  for (const link of header.matchAll(/<([^>]*)>([^,<]*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(link[2]);
    const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (!relations.includes('next')) continue;
    try {
      return new URL(link[1], base);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
