import type { HttpMethod, RequestBody } from './http-types';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** One leg of a request that may be redirected. */
export interface Hop {
  method: HttpMethod;
  url: URL;
  body?: RequestBody;
}

export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/**
 * The request a redirect asks for (RFC 9110 §15.4): 307/308 repeat method and body; 303 — and
 * 301/302 after a POST, as every client does — become a GET without body. Undefined when the
 * Location is not an http(s) URL.
 */
export function nextHop(hop: Hop, status: number, location: string): Hop | undefined {
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const becomesGet =
    status === 303 || ((status === 301 || status === 302) && hop.method === 'POST');
  if (becomesGet) return { method: hop.method === 'HEAD' ? 'HEAD' : 'GET', url };
  return { ...hop, url };
}
