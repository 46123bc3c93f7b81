import { ExitCode } from './exit-codes';

/** Where the CLI talks to, and as whom. The token is never printed. */
export interface Connection {
  baseUrl: string;
  token: string;
}

/** A problem with the command line itself: exit code 2, the message on stderr. */
export class UsageError extends Error {
  readonly exitCode = ExitCode.usage;
}

/** Flags win over the environment, so one step can point elsewhere without touching env. */
export function resolveConnection(
  flags: { url?: string; token?: string },
  env: Record<string, string | undefined>,
): Connection {
  const url = nonEmpty(flags.url) ?? nonEmpty(env.AIRLOCK_URL);
  const token = nonEmpty(flags.token) ?? nonEmpty(env.AIRLOCK_TOKEN);
  const missing = [
    url ? undefined : 'the Airlock URL (--url or AIRLOCK_URL)',
    token ? undefined : 'an API token (--token or AIRLOCK_TOKEN)',
  ].filter((each): each is string => each !== undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(' and ')}`);
  return { baseUrl: normaliseBaseUrl(url!), token: token! };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

/** Keeps a path prefix (Airlock behind a reverse proxy at /airlock) but drops the trailing slash. */
export function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`the Airlock URL "${raw}" is not a URL (expected http(s)://host[:port])`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`the Airlock URL must be http(s), not ${url.protocol}`);
  }
  if (url.search || url.hash) {
    throw new UsageError('the Airlock URL must not have a query or fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
