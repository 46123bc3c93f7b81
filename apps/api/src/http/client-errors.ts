import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, type Problem } from './problem';

/** What Node's HTTP parser refuses, as the status Node itself would answer and the rule broken. */
function refusalOf(code: string | undefined): {
  status: number;
  field: string;
  rule: string;
  message: string;
} {
  if (code === 'HPE_HEADER_OVERFLOW')
    return {
      status: 431,
      field: 'headers',
      rule: 'maxSize',
      message: 'the request line and headers together exceed 16 KiB',
    };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return {
      status: 408,
      field: 'request',
      rule: 'timeout',
      message: 'the request did not arrive in time',
    };
  return {
    status: 400,
    field: 'request',
    rule: 'malformed',
    message: 'the request is not valid HTTP/1.1',
  };
}

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
    const { status, field, rule, message } = refusalOf(error.code);
    const problem: Problem = {
      type: 'urn:airlock:problem:invalid-input',
      title: 'Invalid input',
      status,
      detail: `${field}: ${message}`,
      code: 'INVALID_INPUT',
      errors: [{ field, rule, message: `${field}: ${message}` }],
    };
    const body = JSON.stringify(problem);
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
