import type { RegistryRequestEvent } from './http-types';

/**
 * The debug line of one HTTP exchange: method, where, what came back, how long, which attempt and
 * the scheme of the Authorization sent. Built from the event only, which holds no header value and
 * no query (upload `_state` tokens, signed-URL credentials live there).
 */
export function exchangeLine(event: RegistryRequestEvent): string {
  const where = event.host ? `${event.host}${event.path}` : event.path;
  const outcome =
    event.status !== undefined
      ? `${event.status} in ${Math.round(event.durationMs)} ms`
      : `${event.error ?? 'failed'} after ${Math.round(event.durationMs)} ms`;
  const notes = [`attempt ${event.attempt}`, ...(event.authorization ? [event.authorization] : [])];
  return `registry "${event.registry}": ${event.method} ${where} → ${outcome} (${notes.join(', ')})`;
}
