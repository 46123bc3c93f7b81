import { ACTIVE_STATUSES, type PromotionView } from '@airlock/promotions';
import type { Request, Response } from 'express';
import type { PromotionWatch } from './promotion-watch';

/** A comment line this often keeps proxies from cutting a quiet stream. */
export const KEEP_ALIVE_MS = 15_000;
/** A stream ends after this long; the client reconnects (EventSource does by itself). */
export const MAX_STREAM_MS = 30 * 60_000;

const isActive = (status: string) => (ACTIVE_STATUSES as readonly string[]).includes(status);

/**
 * One promotion as Server-Sent Events: `promotion` with the view now, again whenever it
 * changes, then `end` with the final view when it is no longer active, and the response ends.
 * Each event's `id` counts up; `data` is the same JSON as `GET /api/v1/promotions/{id}`.
 */
export function streamPromotion(
  first: PromotionView,
  watch: PromotionWatch,
  request: Request,
  response: Response,
): void {
  response.status(200);
  response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache, no-transform');
  response.setHeader('X-Accel-Buffering', 'no');
  response.flushHeaders();
  let sent = 0;
  let last = '';
  let closed = false;
  const send = (event: 'promotion' | 'end', view: PromotionView) => {
    last = JSON.stringify(view);
    sent += 1;
    response.write(`id: ${sent}\nevent: ${event}\ndata: ${last}\n\n`);
  };
  const close = () => {
    if (closed) return;
    closed = true;
    unwatch();
    clearInterval(keepAlive);
    clearTimeout(lifetime);
    response.end();
  };
  const onView = (view: PromotionView) => {
    if (closed) return;
    const json = JSON.stringify(view);
    if (!isActive(view.status)) {
      send('end', view);
      close();
    } else if (json !== last) send('promotion', view);
  };
  send('promotion', first);
  const unwatch = isActive(first.status) ? watch.watch(first.id, onView) : () => undefined;
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_MS).unref();
  const lifetime = setTimeout(close, MAX_STREAM_MS).unref();
  request.on('close', close);
  if (!isActive(first.status)) {
    send('end', first);
    close();
  }
}
