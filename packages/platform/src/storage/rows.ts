/**
 * The row shapes of the payments and their events and of Order Management, shared by the SQLite and PostgreSQL stores (both keep the same
 * columns; money in minor units, times in epoch ms), and the mapping between rows and domain values.
 */
import type { Payment } from '../domain/payment.js';
import type { DeliveryStatus, OmCategoryType, OmPaymentType, Receipt } from '@betal/contract';
import type {
  CategoryRecord,
  DeliveryWithAttempts,
  ReceiptRecord,
  StoredDelivery,
  StoredImage,
  StoredPaymentEvent,
  WebhookRegistration,
} from './ports.js';

/** A row of `payments`: the payment's fields, its aggregate as four sums, `details` as JSON text. */
export interface PaymentRow {
  msn: string;
  reference: string;
  psp_reference: string;
  state: string;
  currency: string;
  value: number;
  authorized: number;
  captured: number;
  refunded: number;
  cancelled: number;
  user_flow: string;
  payment_method: string;
  token: string;
  redirect_url: string | null;
  sub: string | null;
  authorized_by: string | null;
  created_at: number;
  expires_at: number;
  details: string;
}

/** The columns of `payments`, in the order of {@link PaymentRow}. */
export const PAYMENT_COLUMN_NAMES = [
  'msn',
  'reference',
  'psp_reference',
  'state',
  'currency',
  'value',
  'authorized',
  'captured',
  'refunded',
  'cancelled',
  'user_flow',
  'payment_method',
  'token',
  'redirect_url',
  'sub',
  'authorized_by',
  'created_at',
  'expires_at',
  'details',
] as const satisfies readonly (keyof PaymentRow)[];

/** A row of `payment_events`; `success` is a boolean in PostgreSQL and 0 or 1 in SQLite. */
export interface EventRow {
  seq: number;
  msn: string;
  reference: string;
  psp_reference: string;
  name: string;
  currency: string;
  amount: number;
  timestamp: number;
  idempotency_key: string | null;
  success: boolean | number;
}

/** The payment a row holds. */
export function paymentOfRow(row: PaymentRow): Payment {
  return {
    msn: row.msn,
    reference: row.reference,
    pspReference: row.psp_reference,
    state: row.state as Payment['state'],
    currency: row.currency as Payment['currency'],
    value: row.value,
    aggregate: {
      authorized: row.authorized,
      captured: row.captured,
      refunded: row.refunded,
      cancelled: row.cancelled,
    },
    userFlow: row.user_flow as Payment['userFlow'],
    paymentMethod: row.payment_method as Payment['paymentMethod'],
    token: row.token,
    ...(row.redirect_url !== null ? { redirectUrl: row.redirect_url } : {}),
    ...(row.sub !== null ? { sub: row.sub } : {}),
    ...(row.authorized_by !== null ? { authorizedBy: row.authorized_by } : {}),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    details: JSON.parse(row.details) as Payment['details'],
  };
}

/** The row that keeps a payment. */
export function rowOfPayment(p: Payment): PaymentRow {
  return {
    msn: p.msn,
    reference: p.reference,
    psp_reference: p.pspReference,
    state: p.state,
    currency: p.currency,
    value: p.value,
    authorized: p.aggregate.authorized,
    captured: p.aggregate.captured,
    refunded: p.aggregate.refunded,
    cancelled: p.aggregate.cancelled,
    user_flow: p.userFlow,
    payment_method: p.paymentMethod,
    token: p.token,
    redirect_url: p.redirectUrl ?? null,
    sub: p.sub ?? null,
    authorized_by: p.authorizedBy ?? null,
    created_at: p.createdAt,
    expires_at: p.expiresAt,
    details: JSON.stringify(p.details),
  };
}

/** The stored event a row holds. */
export function eventOfRow(row: EventRow): StoredPaymentEvent {
  return {
    seq: row.seq,
    msn: row.msn,
    reference: row.reference,
    pspReference: row.psp_reference,
    name: row.name as StoredPaymentEvent['name'],
    currency: row.currency as StoredPaymentEvent['currency'],
    amount: row.amount,
    timestamp: row.timestamp,
    idempotencyKey: row.idempotency_key,
    success: row.success === true || row.success === 1,
  };
}

/** A row of `om_images`: the image's bytes as they were uploaded. */
export interface ImageRow {
  msn: string;
  image_id: string;
  media_type: string;
  width: number;
  height: number;
  bytes: Buffer;
  created_at: number;
}

/** A row of `om_categories` (SQLite's also has its `seq`, which no mapping reads). */
export interface CategoryRow {
  category_id: string;
  msn: string;
  payment_type: string;
  order_id: string;
  type: string;
  url: string;
  image_id: string | null;
  source: string;
  created_at: number;
  updated_at: number;
}

/** A row of `om_receipts`: the receipt as JSON text. */
export interface ReceiptRow {
  msn: string;
  payment_type: string;
  order_id: string;
  receipt_id: string;
  receipt: string;
  created_at: number;
}

/** An `om_images` row as the port's {@link StoredImage}. */
export function imageOfRow(row: ImageRow): StoredImage {
  return {
    msn: row.msn,
    imageId: row.image_id,
    mediaType: row.media_type as StoredImage['mediaType'],
    width: row.width,
    height: row.height,
    bytes: row.bytes,
    createdAt: row.created_at,
  };
}

/** An `om_categories` row as the port's {@link CategoryRecord} (no `imageId` when the column is null). */
export function categoryOfRow(row: CategoryRow): CategoryRecord {
  return {
    categoryId: row.category_id,
    msn: row.msn,
    paymentType: row.payment_type as OmPaymentType,
    orderId: row.order_id,
    type: row.type as OmCategoryType,
    url: row.url,
    ...(row.image_id !== null ? { imageId: row.image_id } : {}),
    source: row.source as CategoryRecord['source'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** An `om_receipts` row as the port's {@link ReceiptRecord}, its receipt parsed. */
export function receiptOfRow(row: ReceiptRow): ReceiptRecord {
  return {
    receiptId: row.receipt_id,
    msn: row.msn,
    paymentType: row.payment_type as OmPaymentType,
    orderId: row.order_id,
    receipt: JSON.parse(row.receipt) as Receipt,
    createdAt: row.created_at,
  };
}

/** JSON kept as text (SQLite) or read already parsed (PostgreSQL's arrays and JSONB), as the value. */
function parsed<T>(value: string | T): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** A row of `webhook_registrations`: `events` as JSON text (SQLite) or a text array (PostgreSQL). */
export interface RegistrationRow {
  id: string;
  msn: string;
  url: string;
  events: string | string[];
  secret: string;
  created_at: number;
  from_seq: number;
  failing_since: number | null;
  deleted_at: number | null;
  deleted_reason: string | null;
}

/** One attempt as kept in a delivery's `attempt_log` (a JSON array, oldest first). */
export interface LoggedAttempt {
  at: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  manual: boolean;
}

/** A row of `webhook_deliveries`: `attempt_log` as JSON text (SQLite) or JSONB (PostgreSQL). */
export interface DeliveryRow {
  id: number;
  registration_id: string;
  seq: number;
  msn: string;
  reference: string;
  event_type: string;
  body: string;
  status: string;
  attempts: number;
  created_at: number;
  next_attempt_at: number | null;
  first_attempt_at: number | null;
  finished_at: number | null;
  attempt_log: string | LoggedAttempt[];
}

/** A `webhook_registrations` row as the port's {@link WebhookRegistration}. */
export function registrationOfRow(row: RegistrationRow): WebhookRegistration {
  return {
    id: row.id,
    msn: row.msn,
    url: row.url,
    events: parsed<string[]>(row.events),
    secret: row.secret,
    createdAt: row.created_at,
    fromSeq: row.from_seq,
    failingSince: row.failing_since,
    deletedAt: row.deleted_at,
    deletedReason: row.deleted_reason,
  };
}

/** A `webhook_deliveries` row as the port's {@link StoredDelivery} (without its attempts). */
export function deliveryOfRow(row: DeliveryRow): StoredDelivery {
  return {
    id: row.id,
    registrationId: row.registration_id,
    seq: row.seq,
    msn: row.msn,
    reference: row.reference,
    eventType: row.event_type,
    body: row.body,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    createdAt: row.created_at,
    nextAttemptAt: row.next_attempt_at,
    firstAttemptAt: row.first_attempt_at,
    finishedAt: row.finished_at,
  };
}

/** A `webhook_deliveries` row with its attempts, numbered from 1 (oldest first). */
export function deliveryWithAttemptsOfRow(row: DeliveryRow): DeliveryWithAttempts {
  return {
    ...deliveryOfRow(row),
    attemptLog: parsed<LoggedAttempt[]>(row.attempt_log).map((a, i) => ({
      attempt: i + 1,
      deliveryId: row.id,
      at: a.at,
      statusCode: a.statusCode,
      latencyMs: a.latencyMs,
      error: a.error,
      manual: a.manual,
    })),
  };
}

/**
 * The tables of one MSN's data, children before parents, each with the condition that picks that MSN's rows
 * (`:msn` stands for the store's own placeholder): what deleting a sales unit's data deletes.
 */
export const MERCHANT_DATA: ReadonlyArray<{ table: string; where: string }> = [
  {
    table: 'webhook_deliveries',
    where: 'msn = :msn OR registration_id IN (SELECT id FROM webhook_registrations WHERE msn = :msn)',
  },
  { table: 'webhook_registrations', where: 'msn = :msn' },
  { table: 'payment_events', where: 'msn = :msn' },
  { table: 'idempotency_keys', where: 'msn = :msn' },
  { table: 'payments', where: 'msn = :msn' },
  { table: 'consents', where: 'msn = :msn' },
  { table: 'om_receipts', where: 'msn = :msn' },
  { table: 'om_categories', where: 'msn = :msn' },
  { table: 'om_images', where: 'msn = :msn' },
  { table: 'customer_inbox', where: 'msn = :msn' },
];

/** The DELETE statements of {@link MERCHANT_DATA}, with `placeholder` (`$msn`, `$1`) for the MSN. */
export function merchantDataDeletes(placeholder: string): string[] {
  return MERCHANT_DATA.map(
    ({ table, where }) => `DELETE FROM ${table} WHERE ${where.replaceAll(':msn', () => placeholder)}`,
  );
}

/** Every table of data both stores keep, children before parents (a reset of everything; settings apart). */
export const DATA_TABLES: readonly string[] = [
  ...MERCHANT_DATA.map((d) => d.table),
  'sales_units',
  'test_users',
];
