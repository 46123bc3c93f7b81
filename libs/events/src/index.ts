export { buildEnvelope, envelopeBody, type EventEnvelope } from './event-envelope';
export { ALL_EVENTS, EVENT_TYPES, isEventType, wantsEvent, type EventType } from './event-types';
export { EventsModule, EventsWorkerModule, WebhooksModule } from './events.module';
export { EventsService } from './events.service';
export { WebhookDeliverer, type DeliveryOutcome } from './webhook-deliverer';
export { WebhookJobs } from './webhook-jobs';
export {
  DELIVERY_PAGE_LIMIT,
  WEBHOOK_SECRET_MAX_LENGTH,
  WEBHOOK_SECRET_MIN_LENGTH,
  WEBHOOK_URL_MAX_LENGTH,
} from './webhook-rules';
export { verdictOf, WEBHOOK_TIMEOUT_MS, type AttemptVerdict } from './webhook-sender';
export {
  computeSignature,
  DELIVERY_HEADER,
  EVENT_HEADER,
  parseSignatureHeader,
  REPLAY_WINDOW_SECONDS,
  SIGNATURE_HEADER,
  signatureHeader,
  verifySignature,
  type ParsedSignature,
  type VerifyResult,
} from './webhook-signature';
export { WebhookSweeper, type SweepReport } from './webhook-sweeper';
export type { CreatedWebhookView, DeliveryPage, DeliveryView, WebhookView } from './webhook-view';
export {
  WebhooksService,
  type DeliveryListFilters,
  type NewWebhookRequest,
  type WebhookUpdateRequest,
} from './webhooks.service';
