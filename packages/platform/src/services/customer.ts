import {
  PHONE_NUMBER_PATTERN,
  type Currency,
  type MerchantLegalLinks,
  type PaymentState,
  type Receipt,
  type UserFlow,
} from '@betal/contract';
import type { Clock } from '../clock.js';
import type { OrderDetails, OrderDetailsSource } from '../customer/order-details.js';
import {
  changeTestUser,
  newTestUser,
  type NewTestUser,
  type TestUserChanges,
} from '../customer/test-users.js';
import {
  brandAt,
  confirmLanding,
  CustomerFlowError,
  eligibility,
  holderOf,
  markEnded,
  missingConsent,
  postpone,
  secondsLeft,
  stageOf,
  type CustomerStage,
  type Eligibility,
  type LandingVia,
} from '../domain/customer-flow.js';
import { DomainError, FieldError } from '../domain/errors.js';
import { abort, type NewPaymentEvent, type Payment } from '../domain/payment.js';
import type { Brand, Market } from '../domain/sales-unit.js';
import type { TestUser } from '../domain/test-user.js';
import type { IdSource } from '../ids.js';
import { ApiError } from '../kernel/errors.js';
import type { CustomerInboxPort, PlatformStore } from '../storage/ports.js';
import type { SalesUnitDirectory } from './directory.js';
import type { PaymentService } from '../apis/epayment/service.js';
import { settleThenApply } from './settle.js';

/** The merchant as the customer sees it: the sales unit's name and the brand of its market. */
export interface MerchantView {
  msn: string;
  name: string;
  market: Market;
  brand: Brand;
}

/**
 * A payment request as the customer's app and landing page show it. Amounts are minor units; times are ISO 8601
 * on the platform clock; `secondsLeft` counts down to `expiresAt` while the state is CREATED.
 */
export interface RequestView {
  /** The request's id in the app: the payment's token (the `token` of its redirectUrl). */
  id: string;
  merchant: MerchantView;
  reference: string;
  amount: { currency: Currency; value: number };
  description?: string;
  state: PaymentState;
  stage: CustomerStage;
  userFlow: UserFlow;
  createdAt: string;
  /**
   * When the payment last changed (ISO 8601, platform clock): its latest event (authorized, captured, refunded,
   * cancelled...) or the customer's "pay later", whichever is later; createdAt when nothing happened since. The
   * app's history is dated and ordered by it.
   */
  updatedAt: string;
  expiresAt: string;
  secondsLeft: number;
  /** A long-living payment (expiresAt): it can be paid later (contract 3.12). */
  longLiving: boolean;
  receipt?: Receipt;
  receiptUrl?: string;
  /** From the Order Management API: category, orderDetailsUrl ("See details") and image. */
  orderDetails?: OrderDetails;
  /** The profile scopes asked for and those the user has not consented to yet; null when none were asked for. */
  consent: { requested: string[]; missing: string[] } | null;
  /**
   * The merchant's terms of sale and privacy policy (`merchantLegalLinks`, October 2026): the app shows them on an
   * acceptance screen, and approving needs `acceptTerms: true`.
   */
  legalLinks?: MerchantLegalLinks;
  /** Why this user cannot pay this request, when they cannot (contract 3.14). */
  refusal?: { reason: Exclude<Eligibility, { ok: true }>['reason']; minimumAge?: number };
  /** Where the browser goes when the customer is done (WEB_REDIRECT and others with a returnUrl). */
  returnUrl?: string;
  /** The user the request sits with, and how it reached their app. */
  holder?: { phoneNumber: string; via: LandingVia | 'push' };
  postponedAt?: string;
  endedBy?: 'REJECTED' | 'CONSENT_REFUSED';
  /** Phone number of the user who authorized. */
  authorizedBy?: string;
  /** Running sums in minor units (contract 3.6): what the merchant captured and refunded shows in the history. */
  aggregate: { authorized: number; captured: number; refunded: number; cancelled: number };
}

/** A user's requests as the app lists them: waiting in the app, postponed (Activities), and ended (history). */
export interface RequestLists {
  requests: RequestView[];
  activities: RequestView[];
  history: RequestView[];
}

/** The landing page's view of a payment: the request, the number to pre-fill, and the platform time. */
export interface LandingView extends RequestView {
  /** `customer.phoneNumber` of the create call, to pre-fill the field (contract 3.15). */
  prefillPhoneNumber?: string;
  /** The platform clock now (ISO 8601), so that a page can count down on it. */
  now: string;
}

/** What the customer service needs. */
export interface CustomerServiceDeps {
  store: PlatformStore;
  clock: Clock;
  ids: IdSource;
  payments: PaymentService;
  directory: SalesUnitDirectory;
  inbox: CustomerInboxPort;
  orderDetails: OrderDetailsSource;
}

const PHONE = new RegExp(PHONE_NUMBER_PATTERN);
const LIST_LIMIT = 200;

/**
 * The customer's side of the platform: the landing step, the requests in each test user's app, approve (with or
 * without consent), reject, refuse consent, pay later, history, and the test users themselves. The pages and the
 * app's JSON API both call it, so the same rules are behind both. Contract 3.11-3.15.
 *
 * Every payment change runs as one store command (expiring an overdue payment first, contract 3.11), and each
 * committed change is passed on to {@link CustomerService.watch} listeners (the pages' live updates).
 */
export class CustomerService {
  private readonly listeners = new Set<(payment: Payment) => void>();
  private readonly unsubscribe: () => void;
  /** Inbox writes of committed changes still under way: reads of the inbox wait for them. */
  private readonly inboxWrites = new Set<Promise<unknown>>();
  /** An inbox write that failed, not yet reported: the next read of the inbox rejects with it. */
  private inboxFailure: unknown;

  constructor(private readonly deps: CustomerServiceDeps) {
    this.unsubscribe = deps.store.onCommit(({ payment }) => {
      const now = deps.clock.now();
      for (const user of new Set([holderOf(payment), payment.authorizedBy])) {
        if (user) this.noteInInbox(user, payment, now);
      }
      for (const listener of this.listeners) {
        try {
          listener(payment);
        } catch {
          // A listener that fails (a closed stream) must not stop the others.
        }
      }
    });
  }

  /** Calls `listener` after every committed payment change; returns a function that removes it. */
  watch(listener: (payment: Payment) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether a payment ever reached the app of `phoneNumber` (for filtering a user's live updates). */
  async reached(phoneNumber: string, payment: Payment): Promise<boolean> {
    await this.inboxSettled();
    return this.deps.inbox.has(phoneNumber, payment.msn, payment.reference);
  }

  /** Notes in the user's inbox that the payment reached their app, tracking the write until it settles. */
  private noteInInbox(phoneNumber: string, payment: Payment, now: number): void {
    const add = this.deps.inbox.add(phoneNumber, payment.msn, payment.reference, now);
    this.inboxWrites.add(add);
    add.then(
      () => this.inboxWrites.delete(add),
      (error: unknown) => {
        this.inboxWrites.delete(add);
        this.inboxFailure ??= error;
      },
    );
  }

  /**
   * Waits for the inbox writes under way, so that a read after a commit sees it; rejects with a write that
   * failed since the last read (once), rather than answering as if it had been written.
   */
  private async inboxSettled(): Promise<void> {
    await Promise.allSettled(this.inboxWrites);
    const failure = this.inboxFailure;
    if (failure === undefined) return;
    this.inboxFailure = undefined;
    throw failure;
  }

  /** Stops listening to the store. */
  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private now(): number {
    return this.deps.clock.now();
  }

  /** The payment of a token as the clock implies (an overdue one expired first). Throws UNKNOWN_PAYMENT. */
  async paymentByToken(token: string): Promise<Payment> {
    const found = await this.deps.store.findPaymentByToken(token);
    const payment = found && (await this.deps.payments.current(found.msn, found.reference));
    if (!payment) throw new CustomerFlowError('UNKNOWN_PAYMENT', 'No payment has this token.');
    return payment;
  }

  /** The test user of a phone number. Throws UNKNOWN_USER. */
  async user(phoneNumber: string): Promise<TestUser> {
    const user = PHONE.test(phoneNumber) ? await this.deps.store.findUser(phoneNumber) : undefined;
    if (!user)
      throw new CustomerFlowError('UNKNOWN_USER', `There is no test user with phone number ${phoneNumber}.`);
    return user;
  }

  /**
   * The merchant of an MSN as customers see it now: the brand is the market's on the platform clock (MobilePay
   * becomes Vipps in Denmark and Finland on 12 January 2027, see {@link brandAt}).
   */
  merchant(msn: string): MerchantView {
    const unit = this.deps.directory.byMsn(msn);
    const market: Market = unit?.market ?? 'NO';
    return { msn, name: unit?.name ?? `Merchant ${msn}`, market, brand: brandAt(market, this.now()) };
  }

  /** The brand of a market on the platform clock now (the app of a user of that market). */
  brandOf(market: Market): Brand {
    return brandAt(market, this.now());
  }

  /** The view of a payment for `user` (undefined: nobody in particular, as on the landing page). */
  async view(payment: Payment, user?: TestUser): Promise<RequestView> {
    const now = this.now();
    const d = payment.details;
    const side = d.customerSide;
    const holder = holderOf(payment);
    let consent: RequestView['consent'] = null;
    if (d.profileScope) {
      const granted = user ? await this.deps.store.findConsent(payment.msn, user.phoneNumber) : undefined;
      consent = { requested: [...d.profileScope], missing: missingConsent(d.profileScope, granted?.scopes) };
    }
    const eligible = user ? eligibility(user, d.minimumUserAge, now) : { ok: true as const };
    const orderDetails = await this.deps.orderDetails.find(payment.msn, payment.reference);
    const events = await this.deps.store.listEvents(payment.msn, payment.reference);
    const updatedAt = Math.max(payment.createdAt, side?.postponedAt ?? 0, ...events.map((e) => e.timestamp));
    return {
      id: payment.token,
      merchant: this.merchant(payment.msn),
      reference: payment.reference,
      amount: { currency: payment.currency, value: payment.value },
      ...(d.paymentDescription !== undefined ? { description: d.paymentDescription } : {}),
      state: payment.state,
      stage: stageOf(payment),
      userFlow: payment.userFlow,
      createdAt: new Date(payment.createdAt).toISOString(),
      updatedAt: new Date(updatedAt).toISOString(),
      expiresAt: new Date(payment.expiresAt).toISOString(),
      secondsLeft: secondsLeft(payment, now),
      longLiving: d.longLiving,
      // The receipt of create and one sent later through Order Management are the same order data (contract 6).
      ...((orderDetails?.receipt ?? d.receipt) ? { receipt: orderDetails?.receipt ?? d.receipt } : {}),
      ...(d.receiptUrl ? { receiptUrl: d.receiptUrl } : {}),
      ...(orderDetails ? { orderDetails } : {}),
      consent,
      ...(d.merchantLegalLinks
        ? {
            legalLinks: {
              termsOfSaleUrl: d.merchantLegalLinks.termsOfSaleUrl,
              privacyPolicyUrl: d.merchantLegalLinks.privacyPolicyUrl,
            },
          }
        : {}),
      ...(!eligible.ok
        ? {
            refusal: {
              reason: eligible.reason,
              ...(eligible.minimumAge !== undefined ? { minimumAge: eligible.minimumAge } : {}),
            },
          }
        : {}),
      ...(d.returnUrl ? { returnUrl: d.returnUrl } : {}),
      ...(holder ? { holder: { phoneNumber: holder, via: side?.landing?.via ?? 'push' } } : {}),
      ...(side?.postponedAt !== undefined ? { postponedAt: new Date(side.postponedAt).toISOString() } : {}),
      ...(side?.endedBy ? { endedBy: side.endedBy } : {}),
      ...(payment.authorizedBy ? { authorizedBy: payment.authorizedBy } : {}),
      aggregate: { ...payment.aggregate },
    };
  }

  /**
   * Runs one customer-side change of a payment as a store command: an overdue payment is expired first (and that
   * is written even when the change is refused); `apply` returns the payment to store and its events.
   * Throws what `apply` throws, or UNKNOWN_PAYMENT.
   */
  private async change(
    payment: Payment,
    apply: (current: Payment, now: number) => { payment: Payment; events: NewPaymentEvent[] },
  ): Promise<Payment> {
    const now = this.now();
    let failure: unknown;
    let result: Payment | undefined;
    await this.deps.store.execute({
      msn: payment.msn,
      reference: payment.reference,
      decide: (current) => {
        if (!current) {
          failure = new CustomerFlowError('UNKNOWN_PAYMENT', 'No payment has this token.');
          return { result: undefined };
        }
        const settled = settleThenApply(current, now, this.deps.ids, apply);
        if (!settled.ok) {
          failure = settled.error;
          return settled.write ? { write: settled.write, result: undefined } : { result: undefined };
        }
        result = settled.value.payment;
        return settled.changed ? { write: settled.write, result: undefined } : { result: undefined };
      },
    });
    if (failure !== undefined) throw failure;
    return result as Payment;
  }

  /** The landing page's view of the payment of `token`. Throws UNKNOWN_PAYMENT. Contract 3.15. */
  async landing(token: string): Promise<LandingView> {
    const payment = await this.paymentByToken(token);
    const prefill = payment.details.customer?.phoneNumber ?? payment.details.customerPhoneNumber;
    return {
      ...(await this.view(payment)),
      ...(prefill ? { prefillPhoneNumber: prefill } : {}),
      now: new Date(this.now()).toISOString(),
    };
  }

  /**
   * The landing step (contract 3.15, 3.11): the customer confirms a phone number and the request goes to that
   * user's app, which then has 5 minutes. A number that cannot pay this business (unknown, no app, may not pay
   * businesses, under 15 or under minimumUserAge) gets the one generic refusal 7010 and no request is sent
   * (contract 3.14). Throws FieldError (bad number), DomainError 7010, CustomerFlowError PAYMENT_ENDED,
   * NO_LANDING_STEP or UNKNOWN_PAYMENT.
   */
  async confirmPhone(token: string, phoneNumber: string): Promise<LandingView> {
    if (!PHONE.test(phoneNumber)) {
      throw new FieldError(
        'phoneNumber',
        `The field PhoneNumber must match the regular expression '${PHONE_NUMBER_PATTERN}'.`,
      );
    }
    const payment = await this.paymentByToken(token);
    const user = await this.deps.store.findUser(phoneNumber);
    if (payment.state === 'CREATED' && !eligibility(user, payment.details.minimumUserAge, this.now()).ok) {
      throw new DomainError(
        7010,
        "You can't pay this business with this number: it is unknown, cannot pay businesses, or is below the age limit.",
      );
    }
    await this.change(payment, (p, now) => ({
      payment: confirmLanding(p, { phoneNumber, now, via: 'landing' }),
      events: [],
    }));
    return this.landing(token);
  }

  /**
   * The customer cancels on the landing page: ABORTED (contract 3.6, 3.15). Throws PAYMENT_ENDED,
   * UNKNOWN_PAYMENT.
   */
  async cancelOnLanding(token: string): Promise<LandingView> {
    const payment = await this.paymentByToken(token);
    await this.change(payment, (p, now) => this.rejectTransition(p, now, 'REJECTED'));
    return this.landing(token);
  }

  private rejectTransition(p: Payment, now: number, endedBy: 'REJECTED' | 'CONSENT_REFUSED') {
    if (p.state !== 'CREATED') {
      throw new CustomerFlowError('PAYMENT_ENDED', `The payment is ${p.state} and can no longer be changed.`);
    }
    const t = abort(p, now, this.deps.ids);
    return { payment: markEnded(t.payment, endedBy), events: t.events };
  }

  /**
   * The app switch (NATIVE_REDIRECT, a mobile browser on the landing URL, a scanned QR): the app of `phoneNumber`
   * opens the payment, which is its landing step (5 minutes in the app follow, contract 3.11). A PUSH_MESSAGE
   * payment opens only in its customer's app. Whether the user may pay is shown in the view (`refusal`), as the
   * app says why (contract 3.14). Throws UNKNOWN_USER, APP_NOT_INSTALLED, UNKNOWN_PAYMENT, PAYMENT_ENDED,
   * NOT_IN_THIS_APP.
   */
  async openInApp(phoneNumber: string, token: string): Promise<RequestView> {
    const user = await this.user(phoneNumber);
    if (!user.appInstalled) {
      throw new CustomerFlowError('APP_NOT_INSTALLED', `The app is not installed on ${phoneNumber}'s phone.`);
    }
    const payment = await this.paymentByToken(token);
    if (payment.userFlow === 'PUSH_MESSAGE') {
      if (holderOf(payment) !== phoneNumber) {
        throw new CustomerFlowError('NOT_IN_THIS_APP', 'This payment request was sent to another user.');
      }
      if (payment.state !== 'CREATED') {
        throw new CustomerFlowError('PAYMENT_ENDED', `The payment is ${payment.state}.`);
      }
      return this.view(payment, user);
    }
    const changed = await this.change(payment, (p, now) => ({
      payment: confirmLanding(p, { phoneNumber, now, via: 'app' }),
      events: [],
    }));
    return this.view(changed, user);
  }

  /**
   * The requests, Activities and history in the app of `phoneNumber`: requests and Activities newest first, the
   * history by latest change first (`updatedAt`). Throws UNKNOWN_USER.
   */
  async requests(phoneNumber: string): Promise<RequestLists> {
    const user = await this.user(phoneNumber);
    const lists: RequestLists = { requests: [], activities: [], history: [] };
    await this.inboxSettled();
    for (const entry of await this.deps.inbox.list(phoneNumber, LIST_LIMIT)) {
      const payment = await this.deps.payments.current(entry.msn, entry.reference);
      if (!payment || (holderOf(payment) !== phoneNumber && payment.authorizedBy !== phoneNumber)) continue;
      const view = await this.view(payment, user);
      if (view.stage === 'IN_APP') lists.requests.push(view);
      else if (view.stage === 'POSTPONED') lists.activities.push(view);
      else if (view.stage !== 'LANDING') lists.history.push(view);
    }
    const newestFirst = (a: RequestView, b: RequestView) =>
      a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0;
    const latestChangeFirst = (a: RequestView, b: RequestView) =>
      a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : newestFirst(a, b);
    lists.requests.sort(newestFirst);
    lists.activities.sort(newestFirst);
    lists.history.sort(latestChangeFirst);
    return lists;
  }

  /** One request in the app of `phoneNumber`. Throws UNKNOWN_USER, UNKNOWN_PAYMENT, NOT_IN_THIS_APP. */
  async request(phoneNumber: string, id: string): Promise<RequestView> {
    const user = await this.user(phoneNumber);
    const payment = await this.inApp(phoneNumber, id);
    return this.view(payment, user);
  }

  private async inApp(phoneNumber: string, id: string): Promise<Payment> {
    const payment = await this.paymentByToken(id);
    if (holderOf(payment) !== phoneNumber && payment.authorizedBy !== phoneNumber) {
      throw new CustomerFlowError('NOT_IN_THIS_APP', "This payment request is not in this user's app.");
    }
    return payment;
  }

  /**
   * The user approves in the app: AUTHORIZED (contract 3.6). When the payment asks for profile scopes the user
   * has not consented to for this merchant, `consent: true` is needed: the consent card comes first, and the
   * consent is remembered per user and MSN (contract 3.13). A user who may not pay is refused with the reason
   * (UNDER_MINIMUM_AGE, UNDER_15, CANNOT_PAY_BUSINESSES, contract 3.14) and the payment stays CREATED. Test
   * amounts fail as force approve does (10010, contract 3.10). A payment with `merchantLegalLinks` needs
   * `acceptTerms: true`: the customer accepts the terms of sale and the privacy policy first (TERMS_NOT_ACCEPTED).
   * Throws CustomerFlowError (also CONSENT_REQUIRED, TERMS_NOT_ACCEPTED, PAYMENT_ENDED, NOT_IN_THIS_APP) or
   * ApiError.
   */
  async approve(
    phoneNumber: string,
    id: string,
    options: { consent?: boolean; acceptTerms?: boolean } = {},
  ): Promise<RequestView> {
    const user = await this.user(phoneNumber);
    const payment = await this.inApp(phoneNumber, id);
    if (payment.state !== 'CREATED') {
      throw new CustomerFlowError(
        'PAYMENT_ENDED',
        `The payment is ${payment.state} and can no longer be approved.`,
      );
    }
    const eligible = eligibility(user, payment.details.minimumUserAge, this.now());
    if (!eligible.ok) {
      const reason = eligible.reason === 'UNKNOWN_USER' ? 'APP_NOT_INSTALLED' : eligible.reason;
      const detail =
        eligible.reason === 'UNDER_MINIMUM_AGE' || eligible.reason === 'UNDER_15'
          ? `You must be at least ${eligible.minimumAge} years old to pay this.`
          : eligible.reason === 'CANNOT_PAY_BUSINESSES'
            ? 'This user may not pay businesses.'
            : 'The app is not installed on this phone.';
      throw new CustomerFlowError(reason, detail);
    }
    const granted = await this.deps.store.findConsent(payment.msn, phoneNumber);
    const missing = missingConsent(payment.details.profileScope, granted?.scopes);
    if (missing.length > 0 && options.consent !== true) {
      throw new CustomerFlowError(
        'CONSENT_REQUIRED',
        `The merchant asks for ${missing.join(', ')}: approve with consent: true, or refuse consent.`,
      );
    }
    if (payment.details.merchantLegalLinks && options.acceptTerms !== true) {
      throw new CustomerFlowError(
        'TERMS_NOT_ACCEPTED',
        "Accept the merchant's terms of sale and privacy policy first: approve with acceptTerms: true.",
      );
    }
    await this.deps.payments.approveAs(payment.msn, payment.reference, user);
    return this.request(phoneNumber, id);
  }

  /** The user rejects in the app: ABORTED (contract 3.6). Throws PAYMENT_ENDED, NOT_IN_THIS_APP, UNKNOWN_*. */
  async reject(phoneNumber: string, id: string): Promise<RequestView> {
    await this.user(phoneNumber);
    const payment = await this.inApp(phoneNumber, id);
    await this.change(payment, (p, now) => this.rejectTransition(p, now, 'REJECTED'));
    return this.request(phoneNumber, id);
  }

  /**
   * The user refuses to share the profile data the merchant asks for: the payment fails, ABORTED (contract 3.13).
   * Throws NO_SCOPES_TO_CONSENT when the payment asks for none, PAYMENT_ENDED, NOT_IN_THIS_APP, UNKNOWN_*.
   */
  async refuseConsent(phoneNumber: string, id: string): Promise<RequestView> {
    await this.user(phoneNumber);
    const payment = await this.inApp(phoneNumber, id);
    if (!payment.details.profileScope) {
      throw new CustomerFlowError('NO_SCOPES_TO_CONSENT', 'This payment asks for no profile data.');
    }
    await this.change(payment, (p, now) => this.rejectTransition(p, now, 'CONSENT_REFUSED'));
    return this.request(phoneNumber, id);
  }

  /**
   * "I'll pay later" on a long-living payment: it stays CREATED in the app's Activities until expiresAt
   * (contract 3.12). Throws NOT_LONG_LIVING, PAYMENT_ENDED, NOT_IN_THIS_APP, UNKNOWN_*.
   */
  async payLater(phoneNumber: string, id: string): Promise<RequestView> {
    await this.user(phoneNumber);
    const payment = await this.inApp(phoneNumber, id);
    await this.change(payment, (p, now) => ({ payment: postpone(p, now), events: [] }));
    return this.request(phoneNumber, id);
  }

  /** All test users, by phone number. */
  listUsers(): Promise<TestUser[]> {
    return this.deps.store.listUsers();
  }

  /**
   * Creates a test user with the defaults of {@link newTestUser}. Throws FieldError for a birth date in the
   * future, and ApiError 409 when the phone number is taken.
   */
  async createUser(input: NewTestUser): Promise<TestUser> {
    if (await this.deps.store.findUser(input.phoneNumber)) {
      throw new ApiError(
        409,
        `A test user with phone number ${input.phoneNumber} exists; change it with PATCH.`,
      );
    }
    const user = newTestUser(input, this.now());
    await this.deps.store.saveUser(user);
    return user;
  }

  /** Changes a test user. Throws UNKNOWN_USER, FieldError (birth date in the future). */
  async updateUser(phoneNumber: string, changes: TestUserChanges): Promise<TestUser> {
    const user = changeTestUser(await this.user(phoneNumber), changes, this.now());
    await this.deps.store.saveUser(user);
    return user;
  }

  /** Deletes a test user (their payments and consents stay). Throws UNKNOWN_USER. */
  async deleteUser(phoneNumber: string): Promise<void> {
    await this.user(phoneNumber);
    await this.deps.store.deleteUser(phoneNumber);
  }
}
