import type { StoreCause } from './busy.js';
import type { Currency, PaymentEventName } from '@betal/contract';
import type { NewPaymentEvent, Payment } from '../domain/payment.js';
import type { SalesUnit } from '../domain/sales-unit.js';
import type { TestUser } from '../domain/test-user.js';

/** An HTTP answer kept for an idempotency key: status and JSON body (undefined for an empty body). */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/** What an idempotency key was first used for, and the answer it got (contract 3.8). */
export interface IdempotencyRecord {
  key: string;
  /** `create`, `capture`, `refund` or `cancel`. */
  operation: string;
  reference: string;
  /** A hash of the request that first used the key. */
  fingerprint: string;
  response: StoredResponse;
}

/** A stored event of the log; `seq` orders all events of the platform, `timestamp` is epoch ms. */
export interface StoredPaymentEvent extends NewPaymentEvent {
  seq: number;
  msn: string;
  reference: string;
  currency: Currency;
  name: PaymentEventName;
}

/** What a command writes: a new or changed payment and the events that change caused. */
export interface PaymentWrite {
  payment: Payment;
  insert: boolean;
  events: NewPaymentEvent[];
}

/**
 * A command's decision: optionally a write, what the command answers its caller (`result`, which the store only
 * hands back), and the answer to keep under the command's idempotency key, for this operation and request
 * fingerprint.
 */
export interface CommandOutcome<R = StoredResponse> {
  write?: PaymentWrite;
  result: R;
  remember?: { operation: string; fingerprint: string; response: StoredResponse };
}

/**
 * One atomic change of one payment. `decide` is pure and synchronous: it is called inside the store's
 * transaction with the payment as it is (undefined when absent) and the record of the idempotency key (if any),
 * so that changes to one payment are serialized and aggregates can never pass their bounds.
 */
export interface PaymentCommand<R = StoredResponse> {
  msn: string;
  reference: string;
  idempotencyKey?: string;
  /**
   * The operation the key is for (`create`, `capture`, `refund`, `cancel`): keys are scoped per MSN, reference
   * and operation, so `existing` is the record of this key for this operation of this payment only.
   */
  operation?: string;
  decide(current: Payment | undefined, existing: IdempotencyRecord | undefined): CommandOutcome<R>;
}

/** A change that has committed: the payment after it and the events it caused. */
export interface CommittedChange {
  payment: Payment;
  events: NewPaymentEvent[];
}

/**
 * A user's consent to share profile data with one merchant (contract 3.13): remembered per user and MSN, so a
 * second payment with the same scopes does not ask again. `grantedAt` is epoch ms on the platform clock.
 */
export interface Consent {
  msn: string;
  phoneNumber: string;
  sub: string;
  scopes: string[];
  grantedAt: number;
}

/**
 * Persistence of the platform behind one interface; every payment read and write is scoped by MSN, so another
 * merchant's reference does not exist for you. SQLite implements it now; PostgreSQL can follow with the same
 * contract (a row lock where SQLite has its single writer).
 */
export interface PlatformStore {
  /** Runs a command atomically; a write and its events commit together or not at all. Answers its `result`. */
  execute<R>(command: PaymentCommand<R>): Promise<R>;
  findPayment(msn: string, reference: string): Promise<Payment | undefined>;
  findPaymentByToken(token: string): Promise<Payment | undefined>;
  listEvents(msn: string, reference: string): Promise<StoredPaymentEvent[]>;
  /** The `seq` of the newest event (0 when there is none). */
  latestEventSeq(): Promise<number>;
  /** Events of every payment after `seq`, oldest first: the outbox that webhook delivery reads. */
  eventsAfter(seq: number, limit: number): Promise<StoredPaymentEvent[]>;
  /** CREATED payments whose expiry is at or before `now`. */
  listOverdue(now: number, limit: number): Promise<Array<{ msn: string; reference: string }>>;
  /** Payments of one MSN, newest first. */
  listPayments(msn: string, limit: number): Promise<Payment[]>;

  saveSalesUnit(unit: SalesUnit): Promise<void>;
  findSalesUnitByMsn(msn: string): Promise<SalesUnit | undefined>;
  findSalesUnitByClientId(clientId: string): Promise<SalesUnit | undefined>;
  listSalesUnits(): Promise<SalesUnit[]>;

  saveUser(user: TestUser): Promise<void>;
  findUser(phoneNumber: string): Promise<TestUser | undefined>;
  findUserByCustomerToken(token: string): Promise<TestUser | undefined>;
  listUsers(): Promise<TestUser[]>;
  deleteUser(phoneNumber: string): Promise<boolean>;

  /**
   * Calls `listener` after every committed change of a payment (webhook delivery and the customer's app wake up
   * on it). Returns a function that removes the listener.
   */
  onCommit(listener: (commit: CommittedChange) => void): () => void;

  saveConsent(consent: Consent): Promise<void>;
  findConsent(msn: string, phoneNumber: string): Promise<Consent | undefined>;
  findConsentBySub(msn: string, sub: string): Promise<Consent | undefined>;

  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;

  /** What is wrong with the store now (readiness names it); empty or absent: nothing known. */
  health?(): StoreCause[];

  close(): Promise<void>;
}
