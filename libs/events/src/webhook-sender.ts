import axios from 'axios';
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signatureHeader,
} from './webhook-signature';

export const WEBHOOK_TIMEOUT_MS = 10_000;
const ERROR_MAX_LENGTH = 300;

export interface WebhookRequest {
  url: string;
  secret: string;
  deliveryId: string;
  eventType: string;
  body: string;
}

/** What one POST came to: an HTTP status, or a network error (status null). */
export interface WebhookResponse {
  statusCode: number | null;
  error: string | null;
  responseMs: number;
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

/**
 * One signed POST. The signature is made now, so every attempt carries a fresh timestamp.
 * Only the status is read: the response body is discarded unread.
 */
export async function sendWebhook(request: WebhookRequest): Promise<WebhookResponse> {
  const started = Date.now();
  try {
    const response = await axios.post(request.url, request.body, {
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Airlock-Webhook/1',
        [SIGNATURE_HEADER]: signatureHeader(request.secret, request.body),
        [EVENT_HEADER]: request.eventType,
        [DELIVERY_HEADER]: request.deliveryId,
      },
      timeout: WEBHOOK_TIMEOUT_MS,
      maxRedirects: 0,
      proxy: false,
      responseType: 'stream',
      validateStatus: () => true,
      // The body is already the exact bytes that were signed.
      transformRequest: [(data: string) => data],
    });
    (response.data as NodeJS.ReadableStream & { destroy(): void }).destroy();
    const ok = verdictOf(response.status) === 'delivered';
    return {
      statusCode: response.status,
      error: ok
        ? null
        : `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
      responseMs: Date.now() - started,
    };
  } catch (error) {
    return { statusCode: null, error: describe(error), responseMs: Date.now() - started };
  }
}

/** A short, URL-free description of a network failure (the URL may carry a token). */
function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = axios.isAxiosError(error)
    ? error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT'
      ? `no answer within ${WEBHOOK_TIMEOUT_MS} ms`
      : error.message
    : String((error as Error)?.message ?? error);
  return `${code && !message.includes(code) ? `${code}: ` : ''}${message}`.slice(
    0,
    ERROR_MAX_LENGTH,
  );
}
