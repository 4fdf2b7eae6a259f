import type { Receipt, UserFlow } from '@betal/contract';

/** The user flows of the contract's `USER_FLOWS` (contract 3.2 `userFlow`) that the merchant's flows use. */
export type MerchantUserFlow = Extract<UserFlow, 'WEB_REDIRECT' | 'PUSH_MESSAGE'>;
import { derive, type PaymentStatus, type PaymentView } from '../domain/order-status.js';
import type { Line } from '../domain/receipt.js';

/**
 * The merchant's store, as a port: its payments and its view of each, the webhook events it has processed, its
 * capture/refund/cancel operations, the shop's carts and orders, payment links, invoices, customers with their
 * consent, and settings (the webhook registration). Every method is async. Two implementations: SQLite
 * (`./sqlite.ts`, one process, the default) and PostgreSQL (`./postgres.ts`, several merchant processes on one
 * database); `./open.ts` picks one from `MERCHANT_DB`. Times are epoch ms on the merchant's clock, amounts minor
 * units.
 */

/** Why the merchant asked for a payment: the shop (seed 002), a link (000/003), a direct request (001), an invoice (004). */
export type Purpose = 'shop' | 'link' | 'direct' | 'invoice';

/** The status of a payment as listed: the derived status, or FAILED when create was refused. */
export type ListedStatus = PaymentStatus | 'FAILED';

/** One payment the merchant asked for, with its view of it and what it still has to do. Times are epoch ms. */
export interface PaymentRecord {
  /** The ePayment reference (= Order Management orderId), the merchant's own id of the payment. */
  reference: string;
  purpose: Purpose;
  /** Id of what it pays: shop order id, link id, invoice id, or the customer's phone number (direct). */
  ownerId: string;
  /** Minor units. */
  amount: number;
  currency: string;
  description: string;
  userFlow: MerchantUserFlow;
  /** `customer.phoneNumber` sent with create, if any. */
  phoneNumber?: string;
  /** `profile.scope` asked for, if any (e.g. `phoneNumber`). */
  scope?: string;
  receipt: Receipt;
  /** Whether the receipt went with create (then Order Management needs no receipt). */
  receiptInCreate: boolean;
  /** When the receipt reached Order Management (or create), once it did. */
  receiptAttachedAt?: number;
  /** Whether the merchant captures it as soon as it is authorized (invoices). */
  autoCapture: boolean;
  /** `expiresAt` of a long-living payment (RFC 3339). */
  expiresAt?: string;
  /** Where the customer goes to approve (WEB_REDIRECT), from create. */
  redirectUrl?: string;
  /** Why create was refused, when it was (the payment never existed on the platform). */
  createError?: string;
  /** The last follow-up that failed (receipt, Userinfo, capture), shown on the pages and retried. */
  followUpError?: string;
  /** When the customer's phone number was stored from Userinfo (profile sharing), once it was. */
  customerSavedAt?: number;
  /** Set while one of the merchant's operations ended without a clear answer (timeout, 5xx): query to settle it. */
  inDoubt?: boolean;
  view: PaymentView;
  createdAt: number;
  updatedAt: number;
}

/** One of the merchant's own operations on a payment; its id goes into the Idempotency-Key. */
export interface OperationRecord {
  id: number;
  reference: string;
  kind: 'capture' | 'refund' | 'cancel';
  /** Minor units (undefined for cancel). */
  amount?: number;
  /** `pending` while in flight, `done`, `failed` (refused: the platform said no), `doubt` (no clear answer). */
  status: 'pending' | 'done' | 'failed' | 'doubt';
  error?: string;
  createdAt: number;
  finishedAt?: number;
}

/** An operation about to start: the payment, the kind, the amount (minor units; none for a cancel), when (ms). */
export interface NewOperation {
  reference: string;
  kind: OperationRecord['kind'];
  amount?: number;
  at: number;
}

/** A webhook event as received: its pspReference, name, the raw body and when it came. */
export interface ReceivedEvent {
  reference: string;
  pspReference: string;
  name: string;
  payload: string;
  receivedAt: number;
  /** Whether it was a duplicate of one already processed (kept for the history only, not applied). */
  duplicate: boolean;
}

/** An order of the shop: its lines, total, and its payment. */
export interface ShopOrder {
  id: string;
  lines: Line[];
  /** Minor units, VAT included. */
  total: number;
  currency: string;
  reference: string;
  shippedAt?: number;
  createdAt: number;
}

/** A payment link (seed 000; with `sharePhone`, seed 003): an amount and a description, paid at most once. */
export interface PaymentLink {
  id: string;
  /** Minor units. */
  amount: number;
  currency: string;
  description: string;
  /** Ask the customer to share the phone number (profile scope `phoneNumber`, seed 003). */
  sharePhone: boolean;
  createdAt: number;
}

/** An invoice (seed 004), hosted on the merchant's invoice page. */
export interface Invoice {
  id: string;
  /** Sequential invoice number. */
  number: number;
  customerName: string;
  /** The customer's phone number, if the merchant has it. */
  phoneNumber?: string;
  lines: Line[];
  /** Minor units, VAT included. */
  total: number;
  currency: string;
  /** `YYYY-MM-DD`. */
  dueDate: string;
  /** RFC 3339: end of the due date, the `expiresAt` of its payment request. */
  expiresAt: string;
  createdAt: number;
}

/** A customer whose phone number the merchant holds, with the consent to send payment requests to the app. */
export interface Customer {
  phoneNumber: string;
  name?: string;
  /** The `sub` the customer has for this MSN (contract 3.13), when it came from profile sharing. */
  sub?: string;
  /** Where the consent comes from: `profile sharing in <reference>` or `given to the merchant`. */
  consentSource: string;
  consentAt: number;
  createdAt: number;
}

/** The status a record is listed with. */
export function listedStatus(record: PaymentRecord): ListedStatus {
  return record.createError !== undefined ? 'FAILED' : derive(record.view).status;
}

/**
 * Whether a record may still need a query: not refused, and not final-and-confirmed (a final state whose latest
 * query is newer than its latest event), or with a follow-up still to do. Kept as a column so that the
 * reconciler reads only these.
 */
export function isOpen(record: PaymentRecord): boolean {
  if (record.createError !== undefined) return false;
  if (record.inDoubt) return true;
  const d = derive(record.view);
  if (d.state === 'CREATED') return true;
  const v = record.view;
  if (v.lastQueriedAt === undefined) return true;
  if (v.lastEventAt !== undefined && v.lastEventAt > v.lastQueriedAt) return true;
  if (record.followUpError !== undefined) return true;
  return d.state === 'AUTHORIZED' && (followUpsPending(record) || (record.autoCapture && d.capturable > 0));
}

/** Whether the merchant still has something to do after authorization: attach the receipt, store the customer. */
export function followUpsPending(record: PaymentRecord): boolean {
  if (record.receiptAttachedAt === undefined) return true;
  return wantsPhone(record) && record.customerSavedAt === undefined;
}

/** Whether the payment asked the customer to share the phone number (seed 003). */
export function wantsPhone(record: PaymentRecord): boolean {
  return (record.scope ?? '').split(' ').includes('phoneNumber');
}

/** What the store keeps, read and written one call at a time (each call on its own is atomic). */
export interface MerchantData {
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  /**
   * Keeps `value` under `key` unless the key has a value already; answers the value kept. Two processes racing
   * both answer the same value.
   */
  settingOnce(key: string, value: string): Promise<string>;
  /** The next number of a counter (1, 2, 3...), e.g. invoice numbers; unique across processes. */
  next(name: string): Promise<number>;

  /** Stores a new payment record; rejects when its reference exists. */
  insertPayment(record: PaymentRecord): Promise<void>;
  /** Replaces a payment record (by reference). */
  savePayment(record: PaymentRecord): Promise<void>;
  getPayment(reference: string): Promise<PaymentRecord | undefined>;
  /**
   * Reads a payment record and, inside {@link MerchantStore.transaction}, locks it until the transaction ends
   * (PostgreSQL: `SELECT ... FOR UPDATE`; SQLite has one writer at a time), so that changes to one payment are
   * serialized across processes. Outside a transaction it is {@link getPayment}.
   */
  lockPayment(reference: string): Promise<PaymentRecord | undefined>;
  /** Payments, newest first: all, of one purpose, or of one owner; at most `limit` (default 500). */
  listPayments(filter?: { purpose?: Purpose; ownerId?: string; limit?: number }): Promise<PaymentRecord[]>;
  /** Open payments (see {@link isOpen}) with no news since `before` (epoch ms), oldest news first, at most `limit`. */
  listQuietOpenPayments(before: number, limit?: number): Promise<PaymentRecord[]>;

  /**
   * Records a received webhook event. Answers true the first time its (reference, pspReference, name) is seen,
   * false for a duplicate (kept in the history, marked so). Two processes recording the same event at once: one
   * gets true, the other false (a unique key; PostgreSQL: `INSERT ... ON CONFLICT DO NOTHING`). Call it inside the
   * transaction that applies the event, so that "seen" and "applied" commit together.
   */
  recordWebhookEvent(event: Omit<ReceivedEvent, 'duplicate'>): Promise<boolean>;
  /** The webhook events received for a payment, in order of arrival. */
  listWebhookEvents(reference: string): Promise<ReceivedEvent[]>;

  /** Starts an operation (status `pending`) and answers it with its id (unique across processes). */
  startOperation(op: NewOperation): Promise<OperationRecord>;
  /** Ends an operation as done, failed (refused) or in doubt, with the error for people. */
  finishOperation(id: number, status: 'done' | 'failed' | 'doubt', at: number, error?: string): Promise<void>;
  /** The operations on a payment, oldest first. */
  listOperations(reference: string): Promise<OperationRecord[]>;
  /** Whether an operation on the payment ended without a clear answer and was not settled since. */
  operationInDoubt(reference: string): Promise<boolean>;
  /** Marks the payment's operations in doubt as settled by a query (they are `done` or not, the query says). */
  settleDoubts(reference: string, at: number): Promise<void>;

  /** The lines of a cart (empty when unknown). */
  getCart(id: string): Promise<Line[]>;
  saveCart(id: string, lines: Line[], at: number): Promise<void>;
  saveShopOrder(order: ShopOrder): Promise<void>;
  getShopOrder(id: string): Promise<ShopOrder | undefined>;
  /** Shop orders, newest first, at most `limit` (default 200). */
  listShopOrders(limit?: number): Promise<ShopOrder[]>;

  saveLink(link: PaymentLink): Promise<void>;
  getLink(id: string): Promise<PaymentLink | undefined>;
  /** Payment links, newest first, at most `limit` (default 200). */
  listLinks(limit?: number): Promise<PaymentLink[]>;

  saveInvoice(invoice: Invoice): Promise<void>;
  getInvoice(id: string): Promise<Invoice | undefined>;
  /** Invoices, highest number first, at most `limit` (default 200). */
  listInvoices(limit?: number): Promise<Invoice[]>;

  /**
   * Stores a customer, or updates the one with the same phone number: the new fields win, a name or `sub` not
   * given keeps the stored one, and `createdAt` stays when it was first stored.
   */
  saveCustomer(customer: Customer): Promise<void>;
  getCustomer(phoneNumber: string): Promise<Customer | undefined>;
  /** Customers, newest first, at most `limit` (default 500). */
  listCustomers(limit?: number): Promise<Customer[]>;
}

/** Options of {@link MerchantStore.claimQuietOpenPayments}. Times are epoch ms on the merchant's clock. */
export interface ClaimOptions {
  /** Payments with no news since this time are due. */
  before: number;
  /** The merchant's clock now: claims whose lease ends at or before it are free again. */
  now: number;
  /** How long a claim holds, in ms: past it, another process may claim the payment (its holder died). */
  leaseMs: number;
  /** Who claims (one id per merchant process). */
  owner: string;
  /** At most this many (default 50). */
  limit?: number;
}

/** The merchant's store: {@link MerchantData}, transactions, reconciliation claims and cross-process exclusion. */
export interface MerchantStore extends MerchantData {
  /** Which implementation this is. */
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Runs `work` in one transaction: all its writes through `tx` commit together, or none when it rejects (the
   * rejection is passed on). Use only `tx` inside (not the store itself), and make no network calls there.
   */
  transaction<T>(work: (tx: MerchantData) => Promise<T>): Promise<T>;
  /**
   * Claims the open payments due for reconciliation (no news since `before`) that no one holds a live claim
   * on, oldest news first: each is claimed by `owner` until `now + leaseMs`. Processes claiming at once get
   * disjoint sets (PostgreSQL: `FOR UPDATE SKIP LOCKED`), so each payment is queried once.
   */
  claimQuietOpenPayments(options: ClaimOptions): Promise<PaymentRecord[]>;
  /** Ends `owner`'s claim on a payment (a no-op when it holds none). */
  releaseClaim(reference: string, owner: string): Promise<void>;
  /**
   * Runs `work` while holding the exclusive lock `name` across every process on this store (PostgreSQL: a
   * session advisory lock; SQLite: within the process). For rare work that must not run twice at once, such as
   * registering the webhook.
   */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
