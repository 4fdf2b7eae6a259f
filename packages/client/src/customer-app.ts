import type {
  AppRequest,
  AppRequestLists,
  ApproveRequest,
  CustomerErrorReason,
  LandingView,
  SignInResponse,
} from '@betal/contract';
import { bodyOf, VippsApiError } from './client.js';

/**
 * A refusal of the customer app's JSON API: a VippsApiError whose `reason` is the `CustomerError` extra detail
 * (`CONSENT_REQUIRED`, `PAYMENT_ENDED`, `SIGN_IN_REQUIRED`...) when the answer names one; `code` is the ePayment
 * `ErrorCode` when it names one instead (7010: this number cannot pay).
 */
export class CustomerAppError extends VippsApiError {
  readonly reason: CustomerErrorReason | undefined;
  constructor(status: number, body: unknown, method: string, path: string) {
    super(status, body, method, path);
    this.name = 'CustomerAppError';
    this.reason = this.invalidParams.find((d) => d.name === 'CustomerError')?.reason as
      CustomerErrorReason | undefined;
  }
}

/** Options of {@link CustomerApp}. */
export interface CustomerAppOptions {
  /** The fetch to use; default the global one. */
  fetch?: typeof fetch;
  /** A session token to act with outside dev mode (what {@link CustomerApp.signIn} answers). */
  session?: string;
}

/**
 * Test helpers that act as the customer on a Betal platform, as Stripe's `testHelpers` do: the JSON API of the
 * simulated app and landing page (`/app/api`, README "The app's JSON API"), typed by the contract. A request's
 * `id` is the payment's token: the `token` of its redirectUrl, or found in the user's list
 * ({@link CustomerApp.findByReference}, for PUSH_MESSAGE). Refusals throw {@link CustomerAppError}.
 * Betal only: the real Vipps MobilePay has no such API.
 *
 * @example
 * ```ts
 * const app = new CustomerApp(platformUrl);
 * const token = new URL(created.redirectUrl).searchParams.get('token')!;
 * await app.confirmLanding(token, '4712345678');
 * await app.approve('4712345678', token, { consent: true });
 * ```
 */
export class CustomerApp {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private session: string | undefined;

  constructor(baseUrl: string, options: CustomerAppOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.session = options.session;
  }

  /** The landing page's view of a payment. */
  landing(id: string): Promise<LandingView> {
    return this.call('GET', `/app/api/landing/${enc(id)}`);
  }

  /** The landing step: confirms `phoneNumber`; the request goes to that user's app (7010 when it cannot pay). */
  confirmLanding(id: string, phoneNumber: string): Promise<LandingView> {
    return this.call('POST', `/app/api/landing/${enc(id)}/confirm`, { phoneNumber });
  }

  /** Cancels on the landing page: ABORTED. */
  cancelLanding(id: string): Promise<LandingView> {
    return this.call('POST', `/app/api/landing/${enc(id)}/cancel`, {});
  }

  /** Opens a payment in the user's app (app switch, NATIVE_REDIRECT, QR scan): its landing step. */
  open(phoneNumber: string, id: string): Promise<AppRequest> {
    return this.call('POST', `${user(phoneNumber)}/open`, { id });
  }

  /** The user's requests: waiting in the app, postponed (Activities) and ended (history). */
  requests(phoneNumber: string): Promise<AppRequestLists> {
    return this.call('GET', `${user(phoneNumber)}/requests`);
  }

  /** One request in the user's app. */
  request(phoneNumber: string, id: string): Promise<AppRequest> {
    return this.call('GET', `${user(phoneNumber)}/requests/${enc(id)}`);
  }

  /**
   * The user's request for the merchant's `reference` (waiting, postponed or ended; the newest first), or
   * undefined: how a test finds the id of a PUSH_MESSAGE payment. Pass `msn` when references may repeat across
   * merchants.
   */
  async findByReference(
    phoneNumber: string,
    reference: string,
    msn?: string,
  ): Promise<AppRequest | undefined> {
    const lists = await this.requests(phoneNumber);
    return [...lists.requests, ...lists.activities, ...lists.history].find(
      (r) => r.reference === reference && (msn === undefined || r.merchant.msn === msn),
    );
  }

  /**
   * Approves: AUTHORIZED. `consent: true` when the payment asks for profile data not shared yet,
   * `acceptTerms: true` when it has merchantLegalLinks (else CONSENT_REQUIRED, TERMS_NOT_ACCEPTED).
   */
  approve(phoneNumber: string, id: string, answers: ApproveRequest = {}): Promise<AppRequest> {
    return this.call('POST', `${user(phoneNumber)}/requests/${enc(id)}/approve`, answers);
  }

  /** Rejects: ABORTED. */
  reject(phoneNumber: string, id: string): Promise<AppRequest> {
    return this.call('POST', `${user(phoneNumber)}/requests/${enc(id)}/reject`, {});
  }

  /** Refuses to share the profile data: the payment fails, ABORTED. */
  refuseConsent(phoneNumber: string, id: string): Promise<AppRequest> {
    return this.call('POST', `${user(phoneNumber)}/requests/${enc(id)}/refuse-consent`, {});
  }

  /** "I'll pay later" (long-living payments): stays CREATED under Activities until expiresAt. */
  payLater(phoneNumber: string, id: string): Promise<AppRequest> {
    return this.call('POST', `${user(phoneNumber)}/requests/${enc(id)}/pay-later`, {});
  }

  /** Signs in (outside dev mode) with the user's PIN; the helper acts with that session from then on. */
  async signIn(phoneNumber: string, pin: string): Promise<SignInResponse> {
    const session = await this.call<SignInResponse>('POST', '/app/api/sign-in', { phoneNumber, pin });
    this.session = session.token;
    return session;
  }

  /** Ends the session, if any. */
  async signOut(): Promise<void> {
    await this.call<undefined>('POST', '/app/api/sign-out');
    this.session = undefined;
  }

  private async call<T>(method: string, path: string, body?: object): Promise<T> {
    const res = await this.fetchImpl(`${this.baseUrl}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.session ? { authorization: `Bearer ${this.session}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const parsed = await bodyOf(res);
    if (!res.ok) throw new CustomerAppError(res.status, parsed, method, path);
    return parsed as T;
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function user(phoneNumber: string): string {
  return `/app/api/users/${enc(phoneNumber)}`;
}
