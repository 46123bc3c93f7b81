import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { SseParser } from '../../../cli/src/airlock/sse';
import { bearer, tokenStore, type Schemas } from './client';

type Promotion = Schemas['PromotionView'];

/** Waits before reconnecting a dropped stream: doubled each time, up to the last. */
const RECONNECT_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * Follows `GET /api/v1/promotions/{id}/events` while `active`, writing each view into the
 * promotion's query. Answers whether the stream is live: while it is not (never opened, dropped,
 * an older API), the caller polls. EventSource cannot send the bearer token, so it is fetch and
 * the shared SSE parser.
 */
export function usePromotionStream(id: string, active: boolean): boolean {
  const queries = useQueryClient();
  const [live, setLive] = useState(false);
  useEffect(() => {
    if (!active) return undefined;
    const stop = new AbortController();
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = async () => {
      const ended = await follow(id, stop.signal, (view) => {
        attempt = 0;
        setLive(true);
        queries.setQueryData(['promotion', id], view);
      });
      setLive(false);
      if (ended || stop.signal.aborted) return;
      timer = setTimeout(
        () => void open(),
        RECONNECT_MS[Math.min(attempt++, RECONNECT_MS.length - 1)],
      );
    };
    void open();
    return () => {
      stop.abort();
      if (timer) clearTimeout(timer);
      setLive(false);
    };
  }, [id, active, queries]);
  return live;
}

/** Reads the stream; true when it ended with its `end` event. */
async function follow(
  id: string,
  signal: AbortSignal,
  onView: (view: Promotion) => void,
): Promise<boolean> {
  const token = tokenStore.get();
  try {
    const response = await fetch(`/api/v1/promotions/${encodeURIComponent(id)}/events`, {
      headers: { accept: 'text/event-stream', ...(token ? { authorization: bearer(token) } : {}) },
      signal,
    });
    if (!response.ok || !response.body) return false;
    const reader = response.body.getReader();
    const parser = new SseParser();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return false;
      for (const event of parser.push(decoder.decode(value, { stream: true }))) {
        if (event.event !== 'promotion' && event.event !== 'end') continue;
        onView(JSON.parse(event.data) as Promotion);
        if (event.event === 'end') return true;
      }
    }
  } catch {
    return false; // aborted, or the network went: poll, and reconnect
  }
}
