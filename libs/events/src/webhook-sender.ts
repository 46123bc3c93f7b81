import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signatureHeader,
} from './webhook-signature';
import type { WebhookPost } from './webhook-transport';

export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookRequest {
  url: string;
  secret: string;
  deliveryId: string;
  eventType: string;
  body: string;
}

export type AttemptVerdict = 'delivered' | 'retry' | 'permanent';

/**
 * 2xx → delivered. A 4xx says the receiver will not take it (gone, unauthorised, bad request):
 * trying again cannot help, except 408 (timeout) and 429 (slow down). Anything else — network
 * errors, 3xx (redirects are not followed), 5xx — may pass later.
 */
export function verdictOf(statusCode: number | null): AttemptVerdict {
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) return 'delivered';
  if (statusCode !== null && statusCode >= 400 && statusCode < 500)
    return statusCode === 408 || statusCode === 429 ? 'retry' : 'permanent';
  return 'retry';
}

/** One signed POST. The signature is made `now`, so every attempt carries a fresh timestamp. */
export function signedPost(request: WebhookRequest, now?: number): WebhookPost {
  return {
    url: request.url,
    body: request.body,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'Airlock-Webhook/1',
      [SIGNATURE_HEADER]: signatureHeader(request.secret, request.body, now),
      [EVENT_HEADER]: request.eventType,
      [DELIVERY_HEADER]: request.deliveryId,
    },
    timeoutMs: WEBHOOK_TIMEOUT_MS,
  };
}
