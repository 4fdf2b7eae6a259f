import { randomBytes, scryptSync } from 'node:crypto';
import type { CustomerErrorReason } from '@betal/contract';
import type { FastifyRequest } from 'fastify';
import { bearerToken, carriesAdminToken, cookieValue, sameSecret } from '../http/credentials.js';
import type { Clock } from '../clock.js';
import { DEV_TEST_USERS } from '../dev/seed.js';
import type { TestUser } from '../domain/test-user.js';
import { ApiError } from '../kernel/errors.js';
import type { PlatformStore } from '../storage/ports.js';

/**
 * Who may act on the customer's side (issue #10, the customer part).
 *
 * - **Dev mode** is open, as it always was: anyone may act in any test user's app, and the test users API shows
 *   every field (unless an admin token is configured: then `nin` and `customerToken` need it).
 * - **Production-like mode** (`devMode: false`, `--no-dev`) closes it: a test user signs in with their phone
 *   number and PIN (`POST /app/api/sign-in`) and gets a session, an HttpOnly, SameSite=Strict cookie
 *   (`betal_session`) that the pages send, and the same value as a bearer token for JSON clients. A session acts
 *   on its own user's app only (`/app/api/users/{phoneNumber}/…`: 401 without a session, 403 with another user's).
 *   The admin token (config `adminToken`, env `BETAL_ADMIN_TOKEN`) acts on any app and manages test users.
 *
 * PINs are kept per test user in the platform's store (settings `customer_pin:{phoneNumber}`, scrypt with a
 * salt); a dev test user without a PIN of their own has {@link DEV_PIN}. Sessions live in memory: a restart
 * signs everyone out; each lasts {@link SESSION_MS} of platform time.
 */

/** The PIN of every dev test user that has not been given one of their own (printed in the README). */
export const DEV_PIN = '1234';
/** How long a session lasts, on the platform clock: 12 hours. */
export const SESSION_MS = 12 * 60 * 60 * 1000;
/** Wrong PINs in a row before a phone number is locked, and for how long (platform clock). */
export const SIGN_IN_ATTEMPTS = 5;
export const SIGN_IN_LOCK_MS = 5 * 60 * 1000;
/** At most this many sessions and sign-in failure counters are kept; past it the expired ones are dropped. */
const MAX_ENTRIES = 10_000;
/** The session cookie's name. */
export const SESSION_COOKIE = 'betal_session';

const PIN_KEY = (phoneNumber: string) => `customer_pin:${phoneNumber}`;
const DEV_PHONES = new Set(DEV_TEST_USERS.map((u) => u.phoneNumber));

/** The reasons of an {@link AccessRefused}: the contract's CUSTOMER_ERROR_REASONS about signing in. */
export type AccessRefusalReason = Extract<
  CustomerErrorReason,
  'SIGN_IN_REQUIRED' | 'SIGN_IN_FAILED' | 'NOT_YOUR_APP' | 'ADMIN_ONLY' | 'SIGN_IN_LOCKED'
>;

/**
 * Why a sign-in or an action was refused, as the ApiError the one error handler renders (a Problem with
 * `extraDetails: [{name: 'CustomerError', reason}]`): 401 (no or a failed sign-in) with
 * `WWW-Authenticate: Bearer realm="betal-app"`, 403 (someone else's app), 429 with Retry-After.
 */
export class AccessRefused extends ApiError {
  declare readonly status: 401 | 403 | 429;
  declare readonly detail: string;

  constructor(
    status: 401 | 403 | 429,
    readonly reason: AccessRefusalReason,
    detail: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(status, detail, {
      extraDetails: [{ name: 'CustomerError', reason }],
      headers: {
        ...(status === 401 ? { 'www-authenticate': 'Bearer realm="betal-app"' } : {}),
        ...(retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {}),
      },
    });
    this.name = 'AccessRefused';
  }
}

/** What {@link CustomerAccess} needs. */
export interface CustomerAccessOptions {
  store: PlatformStore;
  clock: Clock;
  /** Dev mode: the customer's side is open. */
  devMode: boolean;
  /** The admin token (`BETAL_ADMIN_TOKEN`), if configured. */
  adminToken?: string;
}

function hashPin(pin: string, salt: Buffer = randomBytes(16)): string {
  return `scrypt$${salt.toString('base64url')}$${scryptSync(pin, salt, 32).toString('base64url')}`;
}

function pinMatches(pin: string, stored: string): boolean {
  const [kind, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  return sameSecret(hashPin(pin, Buffer.from(salt, 'base64url')), stored);
}

/** Sessions, PINs and the admin token of the customer's side; see the module's comment. */
export class CustomerAccess {
  private readonly sessions = new Map<string, { phoneNumber: string; expiresAt: number }>();
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();

  constructor(private readonly options: CustomerAccessOptions) {}

  /**
   * Forgets every session and every count of wrong PINs (after a reset or a restore of the platform's state):
   * customers sign in again.
   */
  forget(): void {
    this.sessions.clear();
    this.failures.clear();
  }

  /** Whether the customer's side is open to anyone (dev mode). */
  get open(): boolean {
    return this.options.devMode;
  }

  /**
   * Whether the request carries the admin token (`Authorization: Bearer <token>`, `x-betal-admin-token`, or the
   * `betal_admin` cookie that the admin guard of /betal sets). Always false when no admin token is configured.
   */
  isAdmin(request: FastifyRequest): boolean {
    return carriesAdminToken(request, this.options.adminToken);
  }

  /**
   * Whether the request may read test users' national identity numbers and customer tokens: the admin, or
   * anyone in dev mode when no admin token is configured.
   */
  maySeeSecrets(request: FastifyRequest): boolean {
    return this.isAdmin(request) || (this.open && !this.options.adminToken);
  }

  /** A test user as this request may see them: without `nin` and `customerToken` unless {@link maySeeSecrets}. */
  userFor(request: FastifyRequest, user: TestUser): TestUser | Omit<TestUser, 'nin' | 'customerToken'> {
    if (this.maySeeSecrets(request)) return user;
    const { nin: _nin, customerToken: _token, ...rest } = user;
    return rest;
  }

  /**
   * Refuses managing test users (create, change, delete) outside dev mode unless the request is the admin's.
   * Throws AccessRefused 401 ADMIN_ONLY.
   */
  requireAdminOutsideDev(request: FastifyRequest): void {
    if (this.open || this.isAdmin(request)) return;
    throw new AccessRefused(
      401,
      'ADMIN_ONLY',
      this.options.adminToken
        ? 'Managing test users outside dev mode needs the admin token.'
        : 'Managing test users outside dev mode needs the admin token; set BETAL_ADMIN_TOKEN.',
    );
  }

  /** Sets (or, with undefined, removes) the PIN of a test user. */
  async setPin(phoneNumber: string, pin: string | undefined): Promise<void> {
    await this.options.store.setSetting(PIN_KEY(phoneNumber), pin === undefined ? '' : hashPin(pin));
  }

  private async pinOk(phoneNumber: string, pin: string): Promise<boolean> {
    const stored = await this.options.store.getSetting(PIN_KEY(phoneNumber));
    if (stored) return pinMatches(pin, stored);
    // A dev test user without a PIN of their own has the known dev PIN.
    return stored === undefined && DEV_PHONES.has(phoneNumber) && sameSecret(pin, DEV_PIN);
  }

  /**
   * Signs a test user in with their phone number and PIN: a new session token. A wrong number or PIN is one
   * refusal (401 SIGN_IN_FAILED, not saying which); {@link SIGN_IN_ATTEMPTS} in a row lock the number for
   * {@link SIGN_IN_LOCK_MS} (429 SIGN_IN_LOCKED).
   */
  async signIn(
    phoneNumber: string,
    pin: string,
  ): Promise<{ token: string; phoneNumber: string; expiresAt: number }> {
    const now = this.options.clock.now();
    const failed = this.failures.get(phoneNumber);
    if (failed && failed.lockedUntil > now) {
      throw new AccessRefused(
        429,
        'SIGN_IN_LOCKED',
        'Too many wrong PINs: try again later.',
        Math.ceil((failed.lockedUntil - now) / 1000),
      );
    }
    const user = await this.options.store.findUser(phoneNumber);
    // An unknown number costs a hash too, so that the time taken does not tell which numbers exist.
    if (!user) hashPin(pin);
    if (!user || !(await this.pinOk(phoneNumber, pin))) {
      if (this.failures.size >= MAX_ENTRIES) this.prune(now);
      // After a lock has run out, counting starts again.
      const count = (failed && failed.lockedUntil === 0 ? failed.count : 0) + 1;
      this.failures.set(
        phoneNumber,
        count >= SIGN_IN_ATTEMPTS
          ? { count: 0, lockedUntil: now + SIGN_IN_LOCK_MS }
          : { count, lockedUntil: 0 },
      );
      throw new AccessRefused(401, 'SIGN_IN_FAILED', 'The phone number or the PIN is wrong.');
    }
    this.failures.delete(phoneNumber);
    this.prune(now);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = now + SESSION_MS;
    this.sessions.set(token, { phoneNumber, expiresAt });
    return { token, phoneNumber, expiresAt };
  }

  /**
   * Drops expired sessions and sign-in counters that lock nothing once there are many, so that neither map grows
   * without bound; past the limit even live counters go (oldest first) rather than memory.
   */
  private prune(now: number): void {
    if (this.sessions.size >= MAX_ENTRIES) {
      for (const [token, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(token);
    }
    if (this.failures.size >= MAX_ENTRIES) {
      for (const [phone, failure] of this.failures)
        if (failure.lockedUntil <= now) this.failures.delete(phone);
      for (const phone of this.failures.keys()) {
        if (this.failures.size < MAX_ENTRIES) break;
        this.failures.delete(phone);
      }
    }
  }

  /** Ends the session of the request, if it has one. */
  signOut(request: FastifyRequest): void {
    const token = this.tokenOf(request);
    if (token) this.sessions.delete(token);
  }

  private tokenOf(request: FastifyRequest): string | undefined {
    return bearerToken(request) ?? cookieValue(request, SESSION_COOKIE);
  }

  /** The phone number the request's session is signed in as, if it has a live session. */
  sessionUser(request: FastifyRequest): string | undefined {
    const token = this.tokenOf(request);
    const session = token ? this.sessions.get(token) : undefined;
    if (!session || !token) return undefined;
    if (session.expiresAt <= this.options.clock.now()) {
      this.sessions.delete(token);
      return undefined;
    }
    return session.phoneNumber;
  }

  /**
   * Whether the request may act in the app of `phoneNumber`: always in dev mode; otherwise the admin, or a
   * session of that user. Throws AccessRefused 401 SIGN_IN_REQUIRED (no session) or 403 NOT_YOUR_APP.
   */
  requireApp(request: FastifyRequest, phoneNumber: string): void {
    if (this.open || this.isAdmin(request)) return;
    const signedIn = this.sessionUser(request);
    if (!signedIn) {
      throw new AccessRefused(
        401,
        'SIGN_IN_REQUIRED',
        "Sign in to this user's app first (POST /app/api/sign-in).",
      );
    }
    if (signedIn !== phoneNumber) {
      throw new AccessRefused(403, 'NOT_YOUR_APP', "This session is signed in to another user's app.");
    }
  }

  /** Whether the request may see the app page of `phoneNumber` (see {@link requireApp}), without throwing. */
  mayOpenApp(request: FastifyRequest, phoneNumber: string): boolean {
    try {
      this.requireApp(request, phoneNumber);
      return true;
    } catch {
      return false;
    }
  }
}
