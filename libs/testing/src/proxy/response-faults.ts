import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline, Transform } from 'node:stream';
import type { StatusFault } from './fault-rule';

/** Answers from the proxy itself; the request body is read and dropped, never forwarded. */
export function answerWithStatus(
  req: IncomingMessage,
  res: ServerResponse,
  fault: StatusFault,
): void {
  req.resume();
  const json = typeof fault.body === 'object';
  const body = typeof fault.body === 'object' ? JSON.stringify(fault.body) : (fault.body ?? '');
  const headers = {
    ...(json ? { 'Content-Type': 'application/json' } : {}),
    ...fault.headers,
    'Content-Length': Buffer.byteLength(body),
  };
  res.writeHead(fault.status, headers).end(body);
}

/** A TCP RST: what a client sees when a load balancer or registry drops it mid-request. */
export function resetConnection(req: IncomingMessage): void {
  req.socket.resetAndDestroy();
}

/** Streams the target's body through unchanged. */
export function passThrough(upstream: IncomingMessage, res: ServerResponse): void {
  // An error here means the client or the target went away; pipeline has destroyed both sides.
  pipeline(upstream, res, () => undefined);
}

/** Streams the body with the byte at `offset` inverted (same length: Content-Length still holds). */
export function passCorrupted(
  upstream: IncomingMessage,
  res: ServerResponse,
  offset: number,
): void {
  let position = 0;
  const corrupt = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const at = offset - position;
      position += chunk.length;
      if (at < 0 || at >= chunk.length) return callback(null, chunk);
      const copy = Buffer.from(chunk);
      copy[at] ^= 0xff;
      callback(null, copy);
    },
  });
  pipeline(upstream, corrupt, res, () => undefined);
}

/**
 * Streams the first `limit` body bytes, then closes the connection. A FIN after the flushed
 * bytes, not an RST: an RST discards whatever is still in the socket buffers, so the client would
 * get an unpredictable prefix, and tests need to know where a resumed read must start. To the
 * client it is the same failure: the body ends short of its Content-Length.
 */
export function passThenCut(upstream: IncomingMessage, res: ServerResponse, limit: number): void {
  let sent = 0;
  const cut = (): void => {
    upstream.destroy();
    res.socket?.destroySoon();
  };
  upstream.on('error', () => res.destroy());
  res.on('close', () => upstream.destroy());
  if (limit === 0) {
    res.flushHeaders();
    return cut();
  }
  upstream.on('data', (chunk: Buffer) => {
    const part = chunk.subarray(0, limit - sent);
    sent += part.length;
    const drained = res.write(part);
    if (sent >= limit) return cut();
    if (!drained) {
      upstream.pause();
      res.once('drain', () => upstream.resume());
    }
  });
  // A body shorter than the limit is delivered whole.
  upstream.on('end', () => res.end());
}
