import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, problemOf } from './problem';

interface Refusal {
  status: number;
  field: string;
  rule: string;
  message: string;
}

/** What Node's HTTP parser refuses, by its error code: the status Node itself answers, the rule. */
const REFUSALS = new Map<string | undefined, Refusal>([
  [
    'HPE_HEADER_OVERFLOW',
    {
      status: 431,
      field: 'headers',
      rule: 'maxSize',
      message: 'the request line and headers together exceed 16 KiB',
    },
  ],
  [
    'ERR_HTTP_REQUEST_TIMEOUT',
    {
      status: 408,
      field: 'request',
      rule: 'timeout',
      message: 'the request did not arrive in time',
    },
  ],
]);
const MALFORMED: Refusal = {
  status: 400,
  field: 'request',
  rule: 'malformed',
  message: 'the request is not valid HTTP/1.1',
};

/**
 * Requests refused by Node's HTTP parser before Express sees them — a header section over Node's
 * 16 KiB limit, a request that is not HTTP — are answered with problem+json like every other
 * refusal (Node's own answer is a bare status line), naming what was wrong; the connection closes.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, field, rule, message } = REFUSALS.get(error.code) ?? MALFORMED;
    const detail = `${field}: ${message}`;
    const body = JSON.stringify({
      ...problemOf(status, 'INVALID_INPUT', detail),
      errors: [{ field, rule, message: detail }],
    });
    socket.end(
      [
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
        `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  });
}
