import { Type, type Static } from '@sinclair/typebox';
import { AmountSchema, MsnSchema } from './common.js';
import {
  CaptureGuaranteedUntilSchema,
  PaymentEventNameSchema,
  ReferenceSchema,
  UserDetailsSchema,
  type PaymentEventName,
} from './epayment.js';
import { Nullable, StringEnum } from './schema-helpers.js';

/**
 * The headers of a signed webhook (contract 4.4), as the signer sends them and the verifier reads them, and the
 * `SignedHeaders` list of its Authorization header, in order.
 */
export const WEBHOOK_HEADERS = {
  date: 'x-ms-date',
  contentHash: 'x-ms-content-sha256',
  authorization: 'authorization',
  host: 'host',
} as const;
export const WEBHOOK_SIGNED_HEADERS = `${WEBHOOK_HEADERS.date};${WEBHOOK_HEADERS.host};${WEBHOOK_HEADERS.contentHash}`;

/** The ePayment event types a webhook can subscribe to, one per PaymentEventName. Source: contract 4.2. */
export const EPAYMENT_WEBHOOK_EVENTS = [
  'epayments.payment.created.v1',
  'epayments.payment.aborted.v1',
  'epayments.payment.expired.v1',
  'epayments.payment.cancelled.v1',
  'epayments.payment.captured.v1',
  'epayments.payment.refunded.v1',
  'epayments.payment.authorized.v1',
  'epayments.payment.terminated.v1',
] as const;
export type EPaymentWebhookEvent = (typeof EPAYMENT_WEBHOOK_EVENTS)[number];

/**
 * Every event type the Webhooks API accepts at registration (contract 4.2): ePayment, Recurring (note the
 * single "l" of `canceled`), QR check-in and Login. Betal only emits the ePayment ones so far.
 */
export const WEBHOOK_EVENTS = [
  ...EPAYMENT_WEBHOOK_EVENTS,
  'recurring.agreement-activated.v1',
  'recurring.agreement-rejected.v1',
  'recurring.agreement-stopped.v1',
  'recurring.agreement-expired.v1',
  'recurring.charge-reserved.v1',
  'recurring.charge-captured.v1',
  'recurring.charge-canceled.v1',
  'recurring.charge-failed.v1',
  'recurring.charge-refunded.v1',
  'recurring.charge-creation-failed.v1',
  'user.checked-in.v1',
  'login.merchant-initiated.ping.v1',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * How many registrations of one MSN may subscribe to one event type (contract 4.1): 25, except QR's
 * `user.checked-in.v1`, which allows 1.
 */
export function webhookLimitFor(event: WebhookEvent): number {
  return event === 'user.checked-in.v1' ? 1 : 25;
}

/** The dotted event type of a payment event name: `AUTHORIZED` → `epayments.payment.authorized.v1` (contract 4.2). */
export function epaymentEventType(name: PaymentEventName): EPaymentWebhookEvent {
  return `epayments.payment.${name.toLowerCase()}.v1` as EPaymentWebhookEvent;
}

const WebhookEventSchema = StringEnum(WEBHOOK_EVENTS, {
  description: 'An event type (contract 4.2).',
});

/** Body of `POST /webhooks/v1/webhooks`: where to send and which events, both required. Contract 4.1. */
export const RegisterWebhookRequestSchema = Type.Object(
  {
    url: Type.String({
      format: 'uri',
      minLength: 1,
      maxLength: 2048,
      description:
        'Where the events are POSTed: https, reachable, not redirecting (dev mode also allows http).',
    }),
    events: Type.Array(WebhookEventSchema, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);
export type RegisterWebhookRequest = Static<typeof RegisterWebhookRequestSchema>;

/** Answer 201 of registration: the id and the signing secret, which is shown only this once. Contract 4.1. */
export const RegisterWebhookResponseSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  secret: Type.String(),
});
export type RegisterWebhookResponse = Static<typeof RegisterWebhookResponseSchema>;

/** One registration as `GET /webhooks/v1/webhooks` lists it (no secret). Contract 4.1. */
const WebhookSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  url: Type.String({ format: 'uri' }),
  events: Type.Array(Type.String()),
});
export type Webhook = Static<typeof WebhookSchema>;

/** Answer 200 of `GET /webhooks/v1/webhooks`. Contract 4.1. */
export const QueryWebhooksResponseSchema = Type.Object({ webhooks: Type.Array(WebhookSchema) });
export type QueryWebhooksResponse = Static<typeof QueryWebhooksResponseSchema>;

/**
 * The payload of an ePayment webhook (contract 4.3): the event-log entry (PaymentEvent) plus `msn`. The
 * AUTHORIZED event also carries `captureGuaranteedUntil` (August 2026) and, with profile sharing, `profile.sub`
 * and `userDetails` (v1.8.1). What the platform sends and what a merchant validates what it receives with.
 */
export const EPaymentWebhookPayloadSchema = Type.Object(
  {
    msn: MsnSchema,
    reference: ReferenceSchema,
    pspReference: Type.String(),
    name: PaymentEventNameSchema,
    amount: AmountSchema,
    timestamp: Type.String({ format: 'date-time' }),
    idempotencyKey: Nullable(Type.String()),
    success: Type.Boolean(),
    profile: Type.Optional(Type.Object({ sub: Type.String() })),
    userDetails: Type.Optional(UserDetailsSchema),
    captureGuaranteedUntil: Type.Optional(CaptureGuaranteedUntilSchema),
  },
  {},
);
export type EPaymentWebhookPayload = Static<typeof EPaymentWebhookPayloadSchema>;

/** Status of a delivery in Betal's delivery log (Betal's own API, not Vipps'). */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'discarded'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One HTTP attempt of a delivery, as Betal's delivery log shows it: when (platform clock, ISO), the receiver's
 * status code (null when none came), the latency in ms (real time), the error (null on a 2xx), and whether it
 * was a redelivery by hand.
 */
const DeliveryAttemptSchema = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  at: Type.String({ format: 'date-time' }),
  statusCode: Nullable(Type.Integer()),
  latencyMs: Type.Number(),
  error: Nullable(Type.String()),
  manual: Type.Boolean(),
});

/** One event for one registration in Betal's delivery log, with its attempts (Betal's own API). */
export const DeliverySchema = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  eventType: Type.String(),
  msn: Type.String(),
  reference: Type.String(),
  status: StringEnum(DELIVERY_STATUSES),
  createdAt: Type.String({ format: 'date-time' }),
  nextAttemptAt: Nullable(Type.String({ format: 'date-time' })),
  payload: Type.Unknown(),
  attempts: Type.Array(DeliveryAttemptSchema),
});
export type Delivery = Static<typeof DeliverySchema>;
