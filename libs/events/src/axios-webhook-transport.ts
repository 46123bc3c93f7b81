import { Injectable } from '@nestjs/common';
import axios from 'axios';
import { verdictOf } from './webhook-sender';
import { WebhookTransport, type WebhookPost, type WebhookResponse } from './webhook-transport';

const ERROR_MAX_LENGTH = 300;

/**
 * WebhookTransport over axios: no redirects followed, no proxy, any status answered (the verdict
 * is the caller's), the response body discarded unread.
 */
@Injectable()
export class AxiosWebhookTransport extends WebhookTransport {
  async post(request: WebhookPost): Promise<WebhookResponse> {
    const started = Date.now();
    try {
      const response = await axios.post(request.url, request.body, {
        headers: request.headers,
        timeout: request.timeoutMs,
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
      return {
        statusCode: null,
        error: describe(error, request.timeoutMs),
        responseMs: Date.now() - started,
      };
    }
  }
}

/** A short, URL-free description of a network failure (the URL may carry a token). */
function describe(error: unknown, timeoutMs: number): string {
  const code = (error as { code?: string }).code;
  const message = axios.isAxiosError(error)
    ? error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT'
      ? `no answer within ${timeoutMs} ms`
      : error.message
    : String((error as Error)?.message ?? error);
  return `${code && !message.includes(code) ? `${code}: ` : ''}${message}`.slice(
    0,
    ERROR_MAX_LENGTH,
  );
}
