import { randomBytes } from 'node:crypto';
import {
  EPaymentWebhookPayloadSchema,
  type Aggregate,
  type CreatePaymentRequest,
  type EPaymentWebhookPayload,
  type GetPaymentResponse,
  type ModificationResponse,
  type PaymentEvent,
  type Receipt,
} from '@betal/contract';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { VippsApiError, deriveIdempotencyKey, type VippsClient } from '@betal/client';
import {
  applyEvent,
  applySnapshot,
  derive,
  isEventName,
  newView,
  type Sums,
} from '../domain/order-status.js';
import { formatAmount } from '../domain/input.js';
import {
  followUpsPending,
  wantsPhone,
  type PaymentRecord,
  type MerchantStore,
  type MerchantUserFlow,
  type Purpose,
} from '../store/store.js';

/** A logger as pino gives one (only what the service uses). */
export interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the service needs: the store, the typed client, the merchant's MSN and currency, and its clock. */
export interface PaymentServiceDeps {
  store: MerchantStore;
  /**
   * How long a reconciliation claim on a payment holds, in ms (default 5 minutes): past it, another merchant
   * process may query the payment (the one that claimed it died).
   */
  claimLeaseMs?: number;
  client: VippsClient;
  msn: string;
  currency: string;
  /** The merchant's clock, epoch ms. */
  now: () => number;
  log: Log;
}

/** A payment the merchant wants to ask for. Amounts in minor units. */
export interface NewPayment {
  /** The reference to use (from {@link PaymentService.newReference}); default a new one with the prefix. */
  reference?: string;
  purpose: Purpose;
  ownerId: string;
  /** Minor units. */
  amount: number;
  /** 3-100 characters: `paymentDescription` of create (contract 3.2). */
  description: string;
  userFlow: MerchantUserFlow;
  /** `customer.phoneNumber`: required for PUSH_MESSAGE, pre-fills the landing page for WEB_REDIRECT. */
  phoneNumber?: string;
  /** `profile.scope`, e.g. `phoneNumber` (contract 3.13). */
  scope?: string;
  receipt: Receipt;
  /** Send the receipt with create (else it is attached with Order Management after authorization). */
  receiptInCreate: boolean;
  /** Capture as soon as it is authorized. */
  autoCapture?: boolean;
  /** Long-living payment: `expiresAt` (RFC 3339, contract 3.12). */
  expiresAt?: string;
  /** Where the customer comes back to (WEB_REDIRECT). */
  returnUrl?: string;
  /** Before create, PUT this Order Management category with the merchant's page (contract 6, seed 004). */
  orderDetailsUrl?: string;
}

/**
 * A failed call to the platform, for people: which step, what the platform said (status, error code, the fields
 * at fault), and whether the outcome is unknown (a timeout or 5xx after the retries: the reconciler settles it).
 */
export class PlatformCallError extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
    readonly inDoubt: boolean,
  ) {
    super(`${step} failed: ${describeError(cause)}`);
    this.name = 'PlatformCallError';
  }

  /** The HTTP status the platform answered, if it answered. */
  get status(): number | undefined {
    return this.cause instanceof VippsApiError ? this.cause.status : undefined;
  }
}

/** A merchant rule said no before any call (e.g. a capture larger than what is left). */
export class RefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedError';
  }
}

/** The words of a failed call: `400 Capture amount too high (code 6090): <detail>; fields: ...`, or the network error. */
export function describeError(error: unknown): string {
  if (error instanceof VippsApiError) {
    const body = (error.body ?? {}) as { title?: string; detail?: string; message?: string };
    const parts = [`the platform answered ${error.status}`];
    if (body.title) parts.push(body.title);
    if (error.code !== undefined) parts.push(`(code ${error.code})`);
    let text = parts.join(' ');
    const detail = body.detail ?? body.message;
    if (detail) text += `: ${detail}`;
    if (error.invalidParams.length > 0) {
      text += ` [${error.invalidParams.map((p) => `${p.name}: ${p.reason}`).join('; ')}]`;
    }
    return text;
  }
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return `no answer from the platform (${cause?.code ?? cause?.message ?? error.message})`;
  }
  return String(error);
}

/** Whether an error leaves the outcome of a call unknown: no answer, or 5xx/423/429 after the client's retries. */
function inDoubt(error: unknown): boolean {
  if (error instanceof VippsApiError)
    return error.status >= 500 || error.status === 423 || error.status === 429;
  return true;
}

/** The sums of an API aggregate (contract 3.4), in minor units. */
export function sumsOf(aggregate: Aggregate): Sums {
  return {
    authorized: aggregate.authorizedAmount.value,
    captured: aggregate.capturedAmount.value,
    refunded: aggregate.refundedAmount.value,
    cancelled: aggregate.cancelledAmount.value,
  };
}

/** What happened to a webhook event (see {@link PaymentService.applyWebhook}). */
export type WebhookOutcome = 'applied' | 'duplicate' | 'unknown-payment' | 'other-msn';

/** A webhook body that is not an ePayment event payload (contract 4.3). */
export class BadWebhookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadWebhookError';
  }
}

/** An ePayment webhook payload (contract 4.3), valid by the contract's schema. */
export type WebhookEvent = EPaymentWebhookPayload;

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;
const checkWebhookPayload = addFormats(new Ajv({ strict: false })).compile<EPaymentWebhookPayload>(
  EPaymentWebhookPayloadSchema,
);

/**
 * Reads an ePayment webhook payload: valid by the contract's EPaymentWebhookPayloadSchema (contract 4.3), the one
 * the platform sends by. Throws BadWebhookError naming the first bad field.
 */
export function readWebhookEvent(body: unknown): WebhookEvent {
  if (checkWebhookPayload(body)) return body;
  const error = checkWebhookPayload.errors?.[0];
  const missing = (error?.params as { missingProperty?: string } | undefined)?.missingProperty;
  const path = (error?.instancePath ?? '').split('/').filter(Boolean);
  const field = [...path, ...(missing ? [missing] : [])].join('.') || 'body';
  throw new BadWebhookError(`The webhook payload has no valid ${field}.`);
}

/**
 * The merchant's payments: creating them (ePayment create, with the Order Management category first when asked),
 * keeping its view of each up to date from webhooks and queries (status logic in domain/order-status.ts), the
 * follow-ups once authorized (receipt to Order Management, the customer's phone number from Userinfo, capture of
 * invoices), its own capture, refund and cancel, and reconciliation. Every call to the platform goes through the
 * typed client with an Idempotency-Key derived from the merchant's ids (`create-<reference>`,
 * `capture-<reference>-<operation id>`...), so a retry is safe. Operations on one payment are serialized in
 * this process; across merchant processes on one store, every change to a payment's record is serialized by the
 * store's row lock (`lockPayment`), a webhook event is applied once, and reconciliation claims each payment.
 */
export class PaymentService {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly background = new Set<Promise<unknown>>();
  private tag: string | undefined;
  /** This process's id in reconciliation claims. */
  private readonly owner = randomBytes(6).toString('hex');

  constructor(private readonly deps: PaymentServiceDeps) {}

  private get store(): MerchantStore {
    return this.deps.store;
  }

  private get client(): VippsClient {
    return this.deps.client;
  }

  /** Runs `fn` after every earlier call for the same reference has finished. */
  private withLock<T>(reference: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(reference) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(reference, tail);
    void tail.then(() => {
      if (this.locks.get(reference) === tail) this.locks.delete(reference);
    });
    return run;
  }

  /** Runs `task` in the background; {@link idle} waits for it. Its failure is logged (and kept on the payment). */
  private spawn(task: () => Promise<unknown>): void {
    const p = task().catch((err: unknown) => this.deps.log.error({ err }, 'background task failed'));
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }

  /** Resolves when every background follow-up started so far has finished (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /**
   * A new reference: `<prefix>-<store tag>-<n>`, 8-64 of `[a-zA-Z0-9-]` (contract 3.2), unique across the
   * processes of one store (the counter is the store's).
   */
  async newReference(prefix: string): Promise<string> {
    // A tag per merchant store, so that a new store does not reuse references a platform still remembers; the
    // first process to pick one keeps it for all.
    this.tag ??= await this.store.settingOnce('reference_tag', randomBytes(4).toString('hex'));
    return `${prefix}-${this.tag}-${await this.store.next('reference')}`;
  }

  /** The merchant's record of a payment, or undefined. */
  get(reference: string): Promise<PaymentRecord | undefined> {
    return this.store.getPayment(reference);
  }

  /**
   * Asks for a payment: stores it (so that a webhook arriving during create finds it), PUTs the Order Management
   * category when `orderDetailsUrl` is given (contract 6), and creates it (contract 3.2) with the Idempotency-Key
   * `create-<reference>`. Answers the stored record (with `redirectUrl` for WEB_REDIRECT). A refusal is kept on
   * the record (`createError`, status FAILED) and thrown as PlatformCallError; a call without a clear answer
   * leaves the payment PENDING for the reconciler and throws PlatformCallError with `inDoubt`.
   */
  async create(input: NewPayment, prefix: string): Promise<PaymentRecord> {
    const now = this.deps.now();
    const reference = input.reference ?? (await this.newReference(prefix));
    const record: PaymentRecord = {
      reference,
      purpose: input.purpose,
      ownerId: input.ownerId,
      amount: input.amount,
      currency: this.deps.currency,
      description: input.description,
      userFlow: input.userFlow,
      ...(input.phoneNumber ? { phoneNumber: input.phoneNumber } : {}),
      ...(input.scope ? { scope: input.scope } : {}),
      receipt: input.receipt,
      receiptInCreate: input.receiptInCreate,
      autoCapture: input.autoCapture ?? false,
      ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
      view: newView(reference, input.amount, this.deps.currency, now),
      createdAt: now,
      updatedAt: now,
    };
    await this.store.insertPayment(record);
    return this.withLock(reference, async () => {
      if (input.orderDetailsUrl) {
        try {
          await this.client.orderManagement.putCategory(reference, {
            category: 'GENERAL',
            orderDetailsUrl: input.orderDetailsUrl,
          });
        } catch (error) {
          await this.update(reference, (r) => ({
            ...r,
            createError: `Order Management category: ${describeError(error)}`,
          }));
          throw new PlatformCallError(
            'Adding the invoice page to the order (Order Management)',
            error,
            false,
          );
        }
      }
      const body: CreatePaymentRequest = {
        amount: {
          currency: this.deps.currency as CreatePaymentRequest['amount']['currency'],
          value: input.amount,
        },
        paymentMethod: { type: 'WALLET' },
        reference,
        userFlow: input.userFlow,
        paymentDescription: input.description,
        ...(input.phoneNumber ? { customer: { phoneNumber: input.phoneNumber } } : {}),
        ...(input.returnUrl && input.userFlow !== 'PUSH_MESSAGE' ? { returnUrl: input.returnUrl } : {}),
        ...(input.scope ? { profile: { scope: input.scope } } : {}),
        ...(input.receiptInCreate ? { receipt: input.receipt } : {}),
        ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
      };
      try {
        const created = await this.client.epayment.create(body, deriveIdempotencyKey('create', reference));
        return this.update(reference, (r) => ({
          ...r,
          ...(created.redirectUrl ? { redirectUrl: created.redirectUrl } : {}),
          ...(input.receiptInCreate ? { receiptAttachedAt: this.deps.now() } : {}),
        }));
      } catch (error) {
        const doubt = inDoubt(error);
        await this.update(reference, (r) =>
          doubt
            ? { ...r, followUpError: `Create: ${describeError(error)}; the reconciler will check it.` }
            : { ...r, createError: describeError(error) },
        );
        throw new PlatformCallError('Creating the payment request', error, doubt);
      }
    });
  }

  /**
   * Reads (locking it: changes to one payment are serialized across processes), changes and saves a record in
   * one transaction; answers the saved record.
   */
  private update(reference: string, change: (r: PaymentRecord) => PaymentRecord): Promise<PaymentRecord> {
    return this.store.transaction(async (tx) => {
      const current = await tx.lockPayment(reference);
      if (!current) throw new Error(`unknown payment ${reference}`);
      const next = { ...change(current), updatedAt: this.deps.now() };
      await tx.savePayment(next);
      return next;
    });
  }

  /**
   * Processes one webhook event (contract 4.3) exactly once, whichever merchant process receives it: in one
   * transaction the payment is locked, the event recorded by (reference, pspReference, name) and, the first
   * time, applied to the view; a duplicate (also one delivered to another process at the same moment) is
   * recorded as such and changes nothing; an event of a payment the merchant does not know, or of another MSN, is
   * ignored. Out-of-order events are fine (the view only moves forward). Once the payment is authorized, the
   * process that applied the event starts the follow-ups in the background.
   */
  async applyWebhook(event: WebhookEvent, rawBody: string): Promise<WebhookOutcome> {
    if (event.msn !== this.deps.msn) return 'other-msn';
    const now = this.deps.now();
    const result = await this.store.transaction(
      async (tx): Promise<{ outcome: WebhookOutcome; record?: PaymentRecord }> => {
        const record = await tx.lockPayment(event.reference);
        const fresh = await tx.recordWebhookEvent({
          reference: event.reference,
          pspReference: event.pspReference,
          name: event.name,
          payload: rawBody,
          receivedAt: now,
        });
        if (!record) return { outcome: 'unknown-payment' };
        if (!fresh) return { outcome: 'duplicate' };
        let { view } = applyEvent(record.view, event, now, 'webhook');
        if (event.profile?.sub && !view.sub) view = { ...view, sub: event.profile.sub };
        const saved: PaymentRecord = { ...record, view, updatedAt: now };
        await tx.savePayment(saved);
        return { outcome: 'applied', record: saved };
      },
    );
    if (result.record && this.hasFollowUps(result.record)) {
      this.spawn(() => this.followUp(event.reference));
    }
    return result.outcome;
  }

  private hasFollowUps(record: PaymentRecord): boolean {
    const d = derive(record.view);
    if (d.state !== 'AUTHORIZED') return false;
    return followUpsPending(record) || (record.autoCapture && d.capturable > 0);
  }

  /**
   * Queries the payment (GET payment and its event log, contract 3.4 and 3.7) and applies the answer: the view
   * then agrees with the platform's. Settles operations in doubt and, when authorized, runs the follow-ups.
   * A 404 for a payment whose create never got a clear answer marks it FAILED. Throws PlatformCallError.
   */
  async refresh(reference: string): Promise<PaymentRecord> {
    const record = await this.withLock(reference, () => this.query(reference));
    if (this.hasFollowUps(record)) return this.followUp(reference);
    return record;
  }

  private async query(reference: string): Promise<PaymentRecord> {
    let payment: GetPaymentResponse;
    let events: PaymentEvent[];
    try {
      payment = await this.client.epayment.get(reference);
      events = await this.client.epayment.events(reference);
    } catch (error) {
      const record = await this.store.getPayment(reference);
      if (
        error instanceof VippsApiError &&
        error.status === 404 &&
        record &&
        record.view.snapshot === undefined &&
        Object.keys(record.view.events).length === 0
      ) {
        return this.update(reference, (r) => {
          const { followUpError: _dropped, ...rest } = r;
          return {
            ...rest,
            createError: 'The platform does not know this payment: create did not go through.',
          };
        });
      }
      throw new PlatformCallError('Querying the payment', error, true);
    }
    const now = this.deps.now();
    return this.store.transaction(async (tx) => {
      const record = await tx.lockPayment(reference);
      if (!record) throw new Error(`unknown payment ${reference}`);
      let view = record.view;
      for (const e of events) {
        if (isEventName(e.name)) view = applyEvent(view, e, now, 'query').view;
      }
      view = applySnapshot(
        view,
        { state: payment.state, sums: sumsOf(payment.aggregate), sub: payment.profile?.sub },
        now,
      );
      const next: PaymentRecord = { ...record, view, updatedAt: now };
      if (record.inDoubt) {
        delete next.inDoubt;
        await tx.settleDoubts(reference, now);
      }
      if (next.followUpError?.startsWith('Create:')) delete next.followUpError;
      await tx.savePayment(next);
      return next;
    });
  }

  /**
   * The follow-ups of an authorized payment, each done once and retried until done: the receipt to Order
   * Management unless it went with create (contract 6; a 409 means it is there already), the customer's phone
   * number from Userinfo with the `sub` of the payment when the phone number was asked for (contract 5, 3.13),
   * and the capture of an invoice. Failures are kept on the payment (`followUpError`) for the pages and the
   * reconciler; never thrown.
   */
  followUp(reference: string): Promise<PaymentRecord> {
    return this.withLock(reference, async () => {
      let record = (await this.store.getPayment(reference))!;
      if (derive(record.view).state !== 'AUTHORIZED') return record;
      const errors: string[] = [];
      if (record.receiptAttachedAt === undefined) {
        try {
          await this.client.orderManagement.addReceipt(reference, record.receipt);
          record = await this.update(reference, (r) => ({ ...r, receiptAttachedAt: this.deps.now() }));
        } catch (error) {
          if (error instanceof VippsApiError && error.status === 409) {
            record = await this.update(reference, (r) => ({ ...r, receiptAttachedAt: this.deps.now() }));
          } else errors.push(`Attaching the receipt: ${describeError(error)}`);
        }
      }
      if (wantsPhone(record) && record.customerSavedAt === undefined) {
        try {
          let sub = record.view.sub;
          if (!sub) sub = (await this.query(reference)).view.sub;
          if (!sub) throw new Error('the payment has no profile.sub yet');
          const info = await this.client.userinfo.get(sub);
          if (!info.phone_number) throw new Error('Userinfo gave no phone_number');
          const now = this.deps.now();
          record = await this.store.transaction(async (tx) => {
            await tx.saveCustomer({
              phoneNumber: info.phone_number!,
              ...(info.name ? { name: info.name } : {}),
              sub,
              consentSource: `shared the phone number when paying ${reference}`,
              consentAt: now,
              createdAt: now,
            });
            const r = (await tx.lockPayment(reference))!;
            const saved: PaymentRecord = { ...r, customerSavedAt: now, updatedAt: now };
            await tx.savePayment(saved);
            return saved;
          });
        } catch (error) {
          errors.push(`Reading the shared phone number (Userinfo): ${describeError(error)}`);
        }
      }
      if (record.autoCapture && derive(record.view).capturable > 0) {
        try {
          record = await this.modify(record, 'capture', derive(record.view).capturable, 'auto');
        } catch (error) {
          errors.push(
            `Capturing: ${describeError(error instanceof PlatformCallError ? error.cause : error)}`,
          );
        }
      }
      return this.update(reference, (r) => {
        const { followUpError: _old, ...rest } = r;
        return errors.length > 0 ? { ...rest, followUpError: errors.join(' ') } : rest;
      });
    });
  }

  /**
   * Captures `amount` minor units (default: all that is left) and checks the result: the answer's
   * capturedAmount must have grown by the amount (seed 002: "check the status of capture"). Refused before any
   * call when the view shows less capturable. Throws RefusedError or PlatformCallError.
   */
  capture(reference: string, amount?: number): Promise<PaymentRecord> {
    return this.withLock(reference, async () => {
      const record = await this.requireRecord(reference);
      const d = derive(record.view);
      const value = amount ?? d.capturable;
      if (d.capturable <= 0) throw new RefusedError('Nothing is left to capture on this payment.');
      if (value <= 0 || value > d.capturable) {
        throw new RefusedError(
          `At most ${formatAmount(d.capturable, record.currency)} can be captured (you asked for ${formatAmount(value, record.currency)}).`,
        );
      }
      return this.modify(record, 'capture', value);
    });
  }

  /** Refunds `amount` minor units of what was captured (contract 3.6). Throws RefusedError or PlatformCallError. */
  refund(reference: string, amount: number): Promise<PaymentRecord> {
    return this.withLock(reference, async () => {
      const record = await this.requireRecord(reference);
      const d = derive(record.view);
      if (d.refundable <= 0) throw new RefusedError('Nothing captured is left to refund on this payment.');
      if (amount <= 0 || amount > d.refundable) {
        throw new RefusedError(
          `At most ${formatAmount(d.refundable, record.currency)} can be refunded (you asked for ${formatAmount(amount, record.currency)}).`,
        );
      }
      return this.modify(record, 'refund', amount);
    });
  }

  /**
   * Cancels: a CREATED payment becomes TERMINATED, an authorized one releases what is not captured (contract
   * 3.6). Throws RefusedError or PlatformCallError.
   */
  cancel(reference: string): Promise<PaymentRecord> {
    return this.withLock(reference, async () => {
      const record = await this.requireRecord(reference);
      if (!derive(record.view).cancellable)
        throw new RefusedError('This payment can no longer be cancelled.');
      return this.modify(record, 'cancel');
    });
  }

  private async requireRecord(reference: string): Promise<PaymentRecord> {
    const record = await this.store.getPayment(reference);
    if (!record) throw new RefusedError(`There is no payment ${reference}.`);
    if (record.createError !== undefined) throw new RefusedError('This payment request was never created.');
    return record;
  }

  /**
   * One capture, refund or cancel: recorded as an operation first, sent with the Idempotency-Key
   * `<kind>-<reference>-<operation id>` (or `-auto` for the automatic capture, so that it is sent once however
   * often it is tried), the answer applied as a query result, and for capture and refund checked.
   */
  private async modify(
    record: PaymentRecord,
    kind: 'capture' | 'refund' | 'cancel',
    amount?: number,
    keyId?: string,
  ): Promise<PaymentRecord> {
    const reference = record.reference;
    const op = await this.store.startOperation({
      reference,
      kind,
      ...(amount !== undefined ? { amount } : {}),
      at: this.deps.now(),
    });
    const key = deriveIdempotencyKey(kind, reference, keyId ?? op.id);
    const money = { currency: record.currency as 'NOK', value: amount ?? 0 };
    let answer: ModificationResponse;
    try {
      answer =
        kind === 'capture'
          ? await this.client.epayment.capture(reference, money, key)
          : kind === 'refund'
            ? await this.client.epayment.refund(reference, money, key)
            : await this.client.epayment.cancel(reference, key);
    } catch (error) {
      const doubt = inDoubt(error);
      await this.store.finishOperation(
        op.id,
        doubt ? 'doubt' : 'failed',
        this.deps.now(),
        describeError(error),
      );
      if (doubt) await this.update(reference, (r) => ({ ...r, inDoubt: true }));
      throw new PlatformCallError(`The ${kind}`, error, doubt);
    }
    const before = derive(record.view).sums;
    const now = this.deps.now();
    const next = await this.store.transaction(async (tx) => {
      const current = (await tx.lockPayment(reference))!;
      const view = applySnapshot(current.view, { state: answer.state, sums: sumsOf(answer.aggregate) }, now);
      const saved: PaymentRecord = { ...current, view, updatedAt: now };
      await tx.savePayment(saved);
      return saved;
    });
    const after = sumsOf(answer.aggregate);
    const problem =
      kind === 'capture' && after.captured < before.captured + (amount ?? 0)
        ? `the platform shows ${formatAmount(after.captured, record.currency)} captured, expected at least ${formatAmount(before.captured + (amount ?? 0), record.currency)}`
        : kind === 'refund' && after.refunded < before.refunded + (amount ?? 0)
          ? `the platform shows ${formatAmount(after.refunded, record.currency)} refunded, expected at least ${formatAmount(before.refunded + (amount ?? 0), record.currency)}`
          : undefined;
    await this.store.finishOperation(op.id, problem ? 'failed' : 'done', now, problem);
    if (problem) throw new PlatformCallError(`Checking the ${kind}`, new Error(problem), false);
    return next;
  }

  /** The payment's event log as the platform has it now (contract 3.7). Throws PlatformCallError. */
  async platformEvents(reference: string): Promise<PaymentEvent[]> {
    try {
      return await this.client.epayment.events(reference);
    } catch (error) {
      throw new PlatformCallError('Reading the event log', error, false);
    }
  }

  /**
   * Reconciliation: queries every open payment that has had no news (webhook or query) for `quietMs` (see the
   * store's `open` flag), oldest news first, at most `limit`. Each is claimed first, with a lease of
   * `claimLeaseMs`, so that of several merchant processes on one store only one queries a payment; the claim
   * ends when its query has. Answers which were checked and which failed (with the error), never throws for a
   * payment. `now` is the merchant's clock.
   */
  async reconcile(
    quietMs: number,
    limit = 50,
  ): Promise<{ checked: string[]; failed: Array<{ reference: string; error: string }> }> {
    const now = this.deps.now();
    const due = await this.store.claimQuietOpenPayments({
      before: now - quietMs,
      now,
      leaseMs: this.deps.claimLeaseMs ?? 5 * 60_000,
      owner: this.owner,
      limit,
    });
    const checked: string[] = [];
    const failed: Array<{ reference: string; error: string }> = [];
    for (const record of due) {
      try {
        await this.refresh(record.reference);
        checked.push(record.reference);
      } catch (error) {
        // Count it as news, so a payment the platform cannot answer for does not starve the others.
        await this.update(record.reference, (r) => ({
          ...r,
          view: { ...r.view, lastNewsAt: this.deps.now() },
        })).catch(() => undefined);
        failed.push({ reference: record.reference, error: describeError(error) });
      } finally {
        await this.store.releaseClaim(record.reference, this.owner).catch(() => undefined);
      }
    }
    return { checked, failed };
  }
}
