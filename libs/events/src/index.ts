export {
  buildEnvelope,
  envelopeBody,
  envelopeToSerialise,
  type EventEnvelope,
} from './event-envelope';
export { ALL_EVENTS, EVENT_TYPES, isEventType, wantsEvent, type EventType } from './event-types';
export { EventsModule, EventsWorkerModule, WebhooksModule } from './events.module';
export { EventsService } from './events.service';
export { WebhookDeliverer, type DeliveryOutcome } from './webhook-deliverer';
export {
  WEBHOOK_DELIVERY_STATUSES,
  type EventLink,
  type WebhookDeliveryStatus,
} from './webhook-delivery.repository';
export { WebhookJobs } from './webhook-jobs';
export {
  DELIVERY_CURSOR_MAX_LENGTH,
  DELIVERY_PAGE_LIMIT,
  EVENT_CHOICES,
  MAX_EVENTS,
  WEBHOOK_SECRET_MAX_LENGTH,
  WEBHOOK_SECRET_MIN_LENGTH,
  WEBHOOK_URL_MAX_LENGTH,
  type DeliveryListFilters,
  type NewWebhookRequest,
  type WebhookUpdateRequest,
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
export { WebhookTransport, type WebhookPost, type WebhookResponse } from './webhook-transport';
export type { CreatedWebhookView, DeliveryPage, DeliveryView, WebhookView } from './webhook-view';
export { WebhooksService } from './webhooks.service';
