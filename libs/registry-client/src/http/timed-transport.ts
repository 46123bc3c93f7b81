import {
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { HttpTimeoutError, type TimeoutPhase } from './http-timeout-error';
import type { Timeouts } from './http-types';

/** The shape axios calls when given `transport` (it hands over the agent in `options`). */
export interface AxiosTransport {
  request(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest;
}

/**
 * node:http(s) with three timeouts instead of one total: a 1 GiB blob may take minutes, but a
 * connect that does not complete, headers that never come or a body that stops flowing are
 * failures whatever the size.
 */
export function timedTransport(timeouts: Timeouts): AxiosTransport {
  return {
    request(options, callback) {
      const send = options.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(options, callback);
      armTimeouts(request, timeouts);
      return request;
    },
  };
}

function armTimeouts(request: ClientRequest, timeouts: Timeouts): void {
  let response: IncomingMessage | undefined;
  let headersTimer: NodeJS.Timeout | undefined;
  const timers: NodeJS.Timeout[] = [];
  const fail = (phase: TimeoutPhase, ms: number): void => {
    const error = new HttpTimeoutError(phase, ms);
    // Once the headers are in, it is the body that hangs: fail it, so its reader learns why.
    if (response && !response.complete) response.destroy(error);
    else request.destroy(error);
  };
  const stop = (): void => timers.forEach((timer) => clearTimeout(timer));
  request.once('socket', (socket: Socket) => {
    const connect = watchConnect(socket, timeouts.connectMs, () =>
      fail('connect', timeouts.connectMs),
    );
    if (connect) timers.push(connect);
    timers.push(watchIdle(socket, timeouts.idleMs, () => fail('idle', timeouts.idleMs)));
  });
  request.once('finish', () => {
    headersTimer = setTimeout(() => fail('headers', timeouts.headersMs), timeouts.headersMs);
    timers.push(headersTimer);
  });
  request.once('response', (res: IncomingMessage) => {
    response = res;
    clearTimeout(headersTimer);
    res.once('close', stop);
  });
  request.once('close', () => {
    if (!response) stop();
  });
}

/** Calls `onTimeout` unless a new socket connects (TLS: completes its handshake) within `ms`. */
function watchConnect(
  socket: Socket,
  ms: number,
  onTimeout: () => void,
): NodeJS.Timeout | undefined {
  if (!socket.connecting) return undefined; // a pooled keep-alive socket
  const timer = setTimeout(onTimeout, ms);
  socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', () => clearTimeout(timer));
  return timer;
}

/**
 * Calls `onIdle` when no byte moved either way for `idleMs` (while connected). Polled from the
 * socket's counters rather than socket.setTimeout, which axios resets on every request.
 */
function watchIdle(socket: Socket, idleMs: number, onIdle: () => void): NodeJS.Timeout {
  let last = -1;
  let since = Date.now();
  const watch = setInterval(
    () => {
      const moved = socket.connecting ? -1 : socket.bytesRead + socket.bytesWritten;
      if (moved !== last) {
        last = moved;
        since = Date.now();
      } else if (moved >= 0 && Date.now() - since >= idleMs) {
        clearInterval(watch);
        onIdle();
      }
    },
    Math.max(10, Math.min(1000, idleMs / 4)),
  );
  watch.unref();
  return watch;
}
