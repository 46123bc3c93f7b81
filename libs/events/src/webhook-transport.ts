/** One POST of a webhook: the exact bytes that were signed, with their headers. */
export interface WebhookPost {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** What one POST came to: an HTTP status, or a network error (status null). */
export interface WebhookResponse {
  statusCode: number | null;
  error: string | null;
  responseMs: number;
}

/**
 * How a webhook leaves the process: the one side effect of delivery, injected so the rules around
 * it (signing, verdicts, what is recorded) are tested with a fake. It never throws: a failure is a
 * response with a null status and a short description that holds no URL (it may carry a token).
 * The process's implementation is AxiosWebhookTransport.
 */
export abstract class WebhookTransport {
  abstract post(request: WebhookPost): Promise<WebhookResponse>;
}
