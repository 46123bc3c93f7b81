import { request as httpRequest } from 'node:http';

/** How the body travels: with a Content-Length (as given, `0` for none) or chunked. */
export type Framing = 'length' | 'chunked' | 'none';

/** A request exactly as sent: path unnormalised (`..`, `%2e`), any header bytes Node allows. */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  framing?: Framing;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * Sends one request on its own connection with node:http rather than fetch: fetch normalises
 * `..` and `%2e%2e` out of paths, adds a Content-Type to string bodies and cannot send a body
 * without a Content-Length.
 */
export function sendRaw(base: string, raw: RawRequest): Promise<RawAnswer> {
  const url = new URL(base);
  const framing = raw.framing ?? (raw.body === undefined ? 'none' : 'length');
  const headers: Record<string, string> = { ...raw.headers };
  if (framing === 'length') headers['content-length'] = String(raw.body?.length ?? 0);
  if (framing === 'chunked') headers['transfer-encoding'] = 'chunked';
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: raw.method,
        path: raw.path,
        headers,
        agent: false,
      },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    // A server may answer (a 413) and close before it read the whole body: the answer counts.
    request.on('error', (error) => answered || reject(error));
    // Node would frame a POST without Content-Length as chunked; `none` sends no body at all.
    if (framing === 'none') request.useChunkedEncodingByDefault = false;
    if (raw.body !== undefined && raw.body.length > 0) request.write(raw.body);
    request.end();
  });
}
