import { createHmac } from 'node:crypto';
import type {
  CreatePaymentRequest,
  EPaymentErrorCode,
  ForceApproveRequest,
  GetPaymentResponse,
  ModificationRequest,
  PaymentEvent,
} from '@betal/contract';
import type { Clock } from '../../clock.js';
import { createPayment, redirectUrlFor } from '../../domain/create.js';
import { expiryAtCreation } from '../../domain/customer-flow.js';
import { DomainError, FieldError } from '../../domain/errors.js';
import {
  abort,
  authorize,
  cancel,
  capture,
  expire,
  isOverdue,
  refund,
  type Payment,
  type Transition,
} from '../../domain/payment.js';
import { captureWindowDays, type SalesUnit } from '../../domain/sales-unit.js';
import { isEligible, phoneFromPersonalQr, userDetailsOf, type TestUser } from '../../domain/test-user.js';
import type { IdSource } from '../../ids.js';
import { ApiError } from '../../kernel/errors.js';
import type {
  CommandOutcome,
  IdempotencyRecord,
  PaymentWrite,
  PlatformStore,
  RenderedAnswer,
} from '../../storage/ports.js';
import { fingerprint } from '../../services/fingerprint.js';
import { settleThenApply } from '../../services/settle.js';
import { getPaymentResponse, modificationResponse, paymentEvent } from './wire.js';

/** What an idempotent operation decided: its value, or the refusal it raised. */
export type Decision = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * How the HTTP edge keeps an idempotent operation's answer (contract 3.8): it renders the decision into the
 * answer a retry with the same key replays (throwing what is no refusal, which rolls the command back), and says
 * whether that answer is kept. The service knows no status code; the answer is stored with the change, in its
 * transaction.
 */
export interface AnswerKeeper {
  answer(decision: Decision): RenderedAnswer;
  keeps(answer: RenderedAnswer): boolean;
}

/** What an idempotent operation answers: the kept (or replayed) answer, whether it is a replay, lint notices. */
export interface ServiceResponse extends RenderedAnswer {
  replayed: boolean;
  notices: string[];
}

/** What one decision of an idempotent operation writes and decides. */
interface Decided {
  write?: PaymentWrite;
  decision: Decision;
}

const refused = (error: unknown): Decided => ({ decision: { ok: false, error } });

/** Settings of the payment service. */
export interface PaymentServiceOptions {
  /** Base of the URLs handed out (redirectUrl, QR), e.g. `http://127.0.0.1:8080`. */
  publicBaseUrl: string;
  /** Dev mode: http:// and localhost URLs are accepted, with a lint notice. */
  devMode: boolean;
  /** Key for deriving each user's `sub` per MSN. */
  subjectKey: string;
}

type Operation = 'create' | 'capture' | 'refund' | 'cancel';

/**
 * One create request as the HTTP edge hands it to `PaymentService.create` (contract 3.2, 3.8): who asks, the
 * validated body, its key, where lint notices go and how the answer is kept.
 */
export interface CreateCommand {
  /** The sales unit of the access token. */
  unit: SalesUnit;
  /** The validated body of POST /epayment/v1/payments. */
  request: CreatePaymentRequest;
  /** The Idempotency-Key header (required on create). */
  idempotencyKey: string;
  /** The request's lint notices so far; the command pushes its own onto the same array. */
  notices: string[];
  /** Renders the decision into the answer a retry replays, and says whether it is kept. */
  keeper: AnswerKeeper;
}

/**
 * One modification request (capture, refund, cancel) as the HTTP edge hands it to the service (contract 3.6,
 * 3.8). `Body` is the validated body; `Key` is `string` where the Idempotency-Key is required and
 * `string | undefined` where it is optional (cancel).
 */
export interface ModificationCommand<Body, Key extends string | undefined = string> {
  /** The sales unit of the access token. */
  unit: SalesUnit;
  /** The merchant's reference of the payment (path parameter). */
  reference: string;
  /** The validated body. */
  request: Body;
  /** The Idempotency-Key header. */
  idempotencyKey: Key;
  /** Renders the decision into the answer a retry replays, and says whether it is kept. */
  keeper: AnswerKeeper;
}

/** What `PaymentService.idempotent` needs to recognize a replay and keep a first answer (contract 3.8). */
interface IdempotencyScope {
  operation: Operation;
  /** The Idempotency-Key, if the request had one. */
  key: string | undefined;
  /** The fingerprint of the request body (services/fingerprint.ts). */
  print: string;
  /** Set to true when the kept answer is replayed. */
  replayed: { value: boolean };
  keeper: AnswerKeeper;
}

/** The title of "same key, another body" per operation, where it differs from the code's usual title. */
const CONFLICT_TITLE: Partial<Record<Operation, string>> = {
  capture: 'Capture idempotency conflict',
  refund: 'Refund idempotency conflict',
};

/** The code of "same key, another body" per operation (contract 3.8). */
const CONFLICT_CODE: Record<Operation, EPaymentErrorCode> = {
  create: 4020,
  capture: 4010,
  refund: 4150,
  cancel: 4020,
};

/** The refusal of a reference this merchant has no payment under (5090). */
function noSuchPayment(reference: string): ApiError {
  return new ApiError(404, `No payment with reference '${reference}' for this merchant.`, {
    title: 'Reference not found',
    code: '5090',
  });
}

/**
 * Refuses force approve outside dev mode: production answers it with DomainError 10020 (contract 3.10), so nothing
 * is approved there (the route and `admin.approve`).
 */
export function requireForceApprove(devMode: boolean): void {
  if (!devMode) throw new DomainError(10020, 'Force approve is only available in the test environment.');
}

/**
 * The ePayment operations of contract 3: create, get, events, capture, refund, cancel, force approve, and the
 * customer's approve and reject. Each change runs as one store command, so it is atomic, serialized per payment
 * and idempotent per key. Overdue payments are expired before anything else touches them (contract 3.11).
 */
export class PaymentService {
  constructor(
    private readonly store: PlatformStore,
    private readonly clock: Clock,
    private readonly ids: IdSource,
    private readonly options: PaymentServiceOptions,
  ) {}

  /** The user's stable `sub` for one MSN: a UUID derived from the user's national id (contract 3.13). */
  subFor(msn: string, user: TestUser): string {
    const h = createHmac('sha256', this.options.subjectKey).update(`${msn}:${user.nin}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /**
   * Wraps an operation's decision with the idempotency rules of contract 3.8: a replay of the same request
   * gets the kept answer; the key with another body is a 409. Keys are scoped per MSN, reference and
   * operation (the store looks them up so), so the same key on another operation or payment is a new request.
   */
  private idempotent(
    { operation, key, print, replayed, keeper }: IdempotencyScope,
    decide: (current: Payment | undefined) => Decided,
  ) {
    return (current: Payment | undefined, existing: IdempotencyRecord | undefined): CommandOutcome => {
      if (existing && key !== undefined) {
        if (existing.fingerprint !== print) {
          const conflict = new DomainError(
            CONFLICT_CODE[operation],
            `The Idempotency-Key ${key} was used with another request body.`,
            CONFLICT_TITLE[operation],
          );
          return { result: keeper.answer({ ok: false, error: conflict }) };
        }
        replayed.value = true;
        return { result: existing.response };
      }
      const { write, decision } = decide(current);
      const answer = keeper.answer(decision);
      const outcome = write ? { write, result: answer } : { result: answer };
      return keeper.keeps(answer)
        ? { ...outcome, remember: { operation, fingerprint: print, response: answer } }
        : outcome;
    };
  }

  /**
   * Creates a payment (POST /epayment/v1/payments): 201 `{reference, redirectUrl?}`, or the rule's problem.
   * A reused reference is 409 with 4150; the same key and body replays the first answer. Lint notices of the
   * request (http:// URLs in dev mode, ...) are pushed onto `notices` while the command decides, so that a
   * strict-mode array that refuses them (http/wire.ts) rolls the command back. Contract 3.2, 3.3, 3.8.
   */
  async create(command: CreateCommand): Promise<ServiceResponse> {
    const { unit, request: req, idempotencyKey, notices, keeper } = command;
    const now = this.clock.now();
    let resolvedUser: TestUser | undefined;
    const customer = req.customer;
    if (customer?.phoneNumber !== undefined) resolvedUser = await this.store.findUser(customer.phoneNumber);
    else if (customer?.personalQr !== undefined) {
      const phone = phoneFromPersonalQr(customer.personalQr);
      resolvedUser = phone ? await this.store.findUser(phone) : undefined;
    } else if (customer?.customerToken !== undefined) {
      resolvedUser = await this.store.findUserByCustomerToken(customer.customerToken);
    }
    const replayed = { value: false };
    const print = fingerprint('create', req);
    const response = await this.store.execute({
      msn: unit.msn,
      reference: req.reference,
      idempotencyKey,
      operation: 'create',
      decide: this.idempotent(
        { operation: 'create', key: idempotencyKey, print, replayed, keeper },
        (current) => {
          if (current) {
            return refused(
              new DomainError(4150, `Idempotency error: Reference ${req.reference} already exists.`),
            );
          }
          try {
            const created = createPayment(req, {
              salesUnit: unit,
              now,
              pspReference: this.ids.uuid(),
              token: this.ids.token(),
              allowInsecureUrls: this.options.devMode,
              ...(customer?.phoneNumber !== undefined && req.userFlow === 'PUSH_MESSAGE'
                ? { customerEligible: isEligible(resolvedUser, req.minimumUserAge ?? undefined, now) }
                : {}),
              ...(resolvedUser && customer?.phoneNumber === undefined
                ? { resolvedPhoneNumber: resolvedUser.phoneNumber }
                : {}),
            });
            if (customer && customer.phoneNumber === undefined && req.userFlow === 'PUSH_MESSAGE') {
              if (!isEligible(resolvedUser, req.minimumUserAge ?? undefined, now)) {
                throw new DomainError(7010, 'Customer not found.');
              }
            }
            notices.push(...created.notices);
            const redirectUrl = redirectUrlFor(this.options.publicBaseUrl, created.payment);
            const payment: Payment = {
              ...created.payment,
              // 5 minutes for the landing step, then 5 in the app (contract 3.11; domain/customer-flow.ts).
              expiresAt: expiryAtCreation(created.payment),
              ...(redirectUrl ? { redirectUrl } : {}),
              ...(resolvedUser
                ? { details: { ...created.payment.details, customerPhoneNumber: resolvedUser.phoneNumber } }
                : {}),
            };
            return {
              write: { payment, insert: true, events: [{ ...created.event, idempotencyKey }] },
              decision: {
                ok: true,
                value: { ...(redirectUrl ? { redirectUrl } : {}), reference: req.reference },
              },
            };
          } catch (error) {
            return refused(error);
          }
        },
      ),
    });
    return { ...response, replayed: replayed.value, notices };
  }

  /** GET /epayment/v1/payments/{reference}: the payment (contract 3.4); throws 5090 for an unknown reference. */
  async get(msn: string, reference: string): Promise<GetPaymentResponse> {
    const payment = await this.current(msn, reference);
    if (!payment) throw noSuchPayment(reference);
    return getPaymentResponse(payment);
  }

  /** GET .../events: the event log in order (contract 3.7); throws 5090 for an unknown reference. */
  async events(msn: string, reference: string): Promise<PaymentEvent[]> {
    const payment = await this.current(msn, reference);
    if (!payment) throw noSuchPayment(reference);
    const events = await this.store.listEvents(msn, reference);
    return events.map(paymentEvent);
  }

  /** The payment as the clock implies: an overdue one is expired first (and its event written). */
  async current(msn: string, reference: string): Promise<Payment | undefined> {
    const payment = await this.store.findPayment(msn, reference);
    if (!payment || !isOverdue(payment, this.clock.now())) return payment;
    await this.expireOne(msn, reference);
    return this.store.findPayment(msn, reference);
  }

  /**
   * Runs one modification as an idempotent store command: the overdue payment is expired first, then `apply`
   * decides (contract 3.6, 3.8, 3.11). `command.request` is the body the fingerprint is taken of.
   */
  private modification(
    operation: Exclude<Operation, 'create'>,
    command: ModificationCommand<unknown, string | undefined>,
    apply: (payment: Payment, now: number) => Transition & { failure?: DomainError },
  ): Promise<ServiceResponse> {
    const { unit, reference, idempotencyKey, request: body, keeper } = command;
    const now = this.clock.now();
    const replayed = { value: false };
    const print = fingerprint(operation, reference, body ?? null);
    return this.store
      .execute({
        msn: unit.msn,
        reference,
        ...(idempotencyKey !== undefined ? { idempotencyKey, operation } : {}),
        decide: this.idempotent({ operation, key: idempotencyKey, print, replayed, keeper }, (current) => {
          if (!current) return refused(noSuchPayment(reference));
          const settled = settleThenApply(current, now, this.ids, apply);
          if (!settled.ok)
            return settled.write
              ? { ...refused(settled.error), write: settled.write }
              : refused(settled.error);
          const { value: t, write } = settled;
          if (t.failure) return { write, decision: { ok: false, error: t.failure } };
          return { write, decision: { ok: true, value: modificationResponse(t.payment) } };
        }),
      })
      .then((response) => ({ ...response, replayed: replayed.value, notices: [] }));
  }

  /** POST .../capture: captures `modificationAmount` (contract 3.6). */
  capture(command: ModificationCommand<ModificationRequest>): Promise<ServiceResponse> {
    const { unit, request: req, idempotencyKey: key } = command;
    return this.modification('capture', command, (p, now) =>
      capture(p, {
        amount: req.modificationAmount,
        now,
        ids: this.ids,
        idempotencyKey: key,
        fullCaptureOnly: unit.capabilities.fullCaptureOnly,
        captureWindowDays: captureWindowDays(unit),
      }),
    );
  }

  /** POST .../refund: refunds `modificationAmount` of what was captured (contract 3.6, 3.10). */
  refund(command: ModificationCommand<ModificationRequest>): Promise<ServiceResponse> {
    const { request: req, idempotencyKey: key } = command;
    return this.modification('refund', command, (p, now) =>
      refund(p, { amount: req.modificationAmount, now, ids: this.ids, idempotencyKey: key }),
    );
  }

  /** POST .../cancel: terminates a CREATED payment or releases the uncaptured remainder (contract 3.6). */
  cancel(
    command: ModificationCommand<{ cancelTransactionOnly?: boolean } | undefined, string | undefined>,
  ): Promise<ServiceResponse> {
    const { unit, request: req, idempotencyKey: key } = command;
    // No body and `{}` mean the same cancel, so a retry with either replays (contract 3.8).
    const body = { cancelTransactionOnly: req?.cancelTransactionOnly ?? false };
    return this.modification('cancel', { ...command, request: body }, (p, now) =>
      cancel(p, {
        now,
        ids: this.ids,
        idempotencyKey: key ?? null,
        cancelTransactionOnly: body.cancelTransactionOnly,
        captureWindowDays: captureWindowDays(unit),
      }),
    );
  }

  /**
   * POST /epayment/v1/test/payments/{reference}/approve (test only): approves as the customer in the body, else
   * the payment's own customer. A token, when given, must be the payment's. Scopes asked for are granted and the
   * user's `sub` set. 200 with no body, or 10010 (test amounts, wrong token), 10030 (no user), 7010 (ineligible
   * user), 10020 (not CREATED). Contract 3.10, 3.13.
   */
  async forceApprove(unit: SalesUnit, reference: string, req: ForceApproveRequest): Promise<void> {
    const payment = await this.current(unit.msn, reference);
    if (!payment) throw noSuchPayment(reference);
    if (req.token !== undefined && req.token !== payment.token) {
      throw new DomainError(10010, 'The token does not belong to this payment.');
    }
    let phone =
      req.customer?.phoneNumber ??
      payment.details.customerPhoneNumber ??
      payment.details.customer?.phoneNumber;
    if (req.customer?.personalQr !== undefined) phone = phoneFromPersonalQr(req.customer.personalQr);
    if (req.customer?.customerToken !== undefined) {
      phone = (await this.store.findUserByCustomerToken(req.customer.customerToken))?.phoneNumber;
    }
    if (phone === undefined) {
      throw new DomainError(10030, 'Identification required: give customer.phoneNumber of a test user.');
    }
    const user = await this.store.findUser(phone);
    if (!isEligible(user, payment.details.minimumUserAge, this.clock.now()) || !user) {
      throw new DomainError(7010, 'Customer not found.');
    }
    await this.approveAs(unit.msn, reference, user);
  }

  /**
   * The customer rejects the payment in the app or on the landing page: ABORTED (contract 3.6, 3.15). The
   * payment after it; throws as {@link act} does.
   */
  reject(msn: string, reference: string): Promise<GetPaymentResponse> {
    return this.act(msn, reference, (p, now) => abort(p, now, this.ids));
  }

  /**
   * The customer approves in the app: AUTHORIZED, with `sub` when a scope was asked for. The consent to the
   * payment's scopes is remembered for this user and MSN (contract 3.13). The payment after it; throws as
   * {@link act} does (10020 when it is not CREATED), and then no consent is remembered.
   */
  async approveAs(msn: string, reference: string, user: TestUser): Promise<GetPaymentResponse> {
    let scopes: string[] | undefined;
    const response = await this.act(msn, reference, (p, now) => {
      scopes = p.details.profileScope;
      const shared = p.details.profileScope ? userDetailsOf(user, p.details.profileScope) : undefined;
      const by = {
        phoneNumber: user.phoneNumber,
        ...(p.details.profileScope ? { sub: this.subFor(msn, user) } : {}),
        ...(shared ? { userDetails: shared } : {}),
      };
      return authorize(p, { now, ids: this.ids, by });
    });
    if (scopes) {
      const previous = await this.store.findConsent(msn, user.phoneNumber);
      await this.store.saveConsent({
        msn,
        phoneNumber: user.phoneNumber,
        sub: this.subFor(msn, user),
        scopes: [...new Set([...(previous?.scopes ?? []), ...scopes])],
        grantedAt: this.clock.now(),
      });
    }
    return response;
  }

  /**
   * A customer-side change (no idempotency key): the payment after it, as GetPaymentResponse. Throws 5090 for an
   * unknown reference, or the DomainError/FieldError the change raised; an expiry found first is kept even then.
   */
  private async act(
    msn: string,
    reference: string,
    apply: (p: Payment, now: number) => Transition,
  ): Promise<GetPaymentResponse> {
    const now = this.clock.now();
    const decision = await this.store.execute<Decision>({
      msn,
      reference,
      decide: (current) => {
        if (!current) return { result: { ok: false, error: noSuchPayment(reference) } };
        const settled = settleThenApply(current, now, this.ids, apply);
        if (!settled.ok) {
          // Only a refusal keeps the expiry; anything else rolls the command back.
          if (!(settled.error instanceof DomainError || settled.error instanceof FieldError))
            throw settled.error;
          const result: Decision = { ok: false, error: settled.error };
          return settled.write ? { write: settled.write, result } : { result };
        }
        return {
          write: settled.write,
          result: { ok: true, value: getPaymentResponse(settled.value.payment) },
        };
      },
    });
    if (!decision.ok) throw decision.error;
    return decision.value as GetPaymentResponse;
  }

  /** Expires the payment if it is overdue; whether it did. */
  private expireOne(msn: string, reference: string): Promise<boolean> {
    const now = this.clock.now();
    return this.store.execute({
      msn,
      reference,
      decide: (current) => {
        if (!current || !isOverdue(current, now)) return { result: false };
        const t = expire(current, now, this.ids);
        return { write: { payment: t.payment, insert: false, events: t.events }, result: true };
      },
    });
  }

  /** Expires every CREATED payment whose time has run out on the platform clock; returns how many. */
  async expireOverdue(batch = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await this.store.listOverdue(this.clock.now(), batch);
      for (const { msn, reference } of due) {
        if (await this.expireOne(msn, reference)) total += 1;
      }
      if (due.length < batch) return total;
    }
  }
}
