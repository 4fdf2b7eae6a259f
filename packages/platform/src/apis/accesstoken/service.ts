import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import type { AccessTokenResponse } from '@betal/contract';
import type { Clock } from '../../clock.js';
import type { SalesUnit } from '../../domain/sales-unit.js';
import type { PlatformStore } from '../../storage/ports.js';
import type { SalesUnitDirectory } from '../../services/directory.js';

/** Lifetime of an access token in the test environment (dev mode): 3600 s, 1 hour (contract 2). */
export const TOKEN_LIFETIME_SECONDS = 3600;
/** Lifetime of an access token in production (outside dev mode): 86 400 s, 24 hours (contract 2). */
export const PRODUCTION_TOKEN_LIFETIME_SECONDS = 24 * 3600;

/** Settings of the token service. */
export interface AuthOptions {
  /**
   * Dev mode stands for the test environment, whose tokens live {@link TOKEN_LIFETIME_SECONDS}; outside it, as
   * in production, they live {@link PRODUCTION_TOKEN_LIFETIME_SECONDS}. Default: dev mode.
   */
  devMode?: boolean;
}
const ISSUER = 'https://betal.local/accesstoken';
const AUDIENCE = '00000002-0000-0000-c000-000000000000';

/** Why a credential was refused; the HTTP layer picks the body shape of each. */
export type AuthFailure =
  | { kind: 'subscription-key'; detail: string }
  | { kind: 'client'; error: string; code: number; detail: string }
  | { kind: 'token'; detail: string }
  | { kind: 'merchant'; detail: string };

export class AuthError extends Error {
  constructor(readonly failure: AuthFailure) {
    super(failure.detail);
    this.name = 'AuthError';
  }
}

interface VerifiedToken {
  msn: string;
  expiresAt: number;
}

/**
 * Issues and checks access tokens (contract 2): HS256 JWTs (jose) signed with a key kept in the store, so that
 * tokens survive a restart, valid 1 hour on the platform clock in dev mode (the test environment) and 24 hours
 * outside it (production): `expires_in`, `ext_expires_in`, `expires_on` and the JWT's `exp` agree, and the token
 * is refused from `exp` on. Verified tokens are cached; expiry is still checked on every call against the clock.
 */
export class AuthService {
  private readonly cache = new Map<string, VerifiedToken>();

  private constructor(
    private readonly store: PlatformStore,
    private readonly directory: SalesUnitDirectory,
    private readonly clock: Clock,
    private readonly key: Uint8Array,
    /** How long an issued token lives, in seconds. */
    readonly lifetimeSeconds: number,
  ) {}

  /** Loads the signing key, creating it on first start. `options.devMode` picks the token lifetime. */
  static async open(
    store: PlatformStore,
    directory: SalesUnitDirectory,
    clock: Clock,
    options: AuthOptions = {},
  ): Promise<AuthService> {
    let secret = await store.getSetting('token_signing_key');
    if (!secret) {
      secret = randomBytes(32).toString('base64url');
      await store.setSetting('token_signing_key', secret);
    }
    const lifetime = options.devMode === false ? PRODUCTION_TOKEN_LIFETIME_SECONDS : TOKEN_LIFETIME_SECONDS;
    return new AuthService(store, directory, clock, Buffer.from(secret, 'base64url'), lifetime);
  }

  /** The sales unit whose subscription key this is; throws AuthError (subscription-key) when none. */
  unitForSubscriptionKey(key: string | undefined): SalesUnit {
    if (!key) {
      throw new AuthError({
        kind: 'subscription-key',
        detail:
          'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
      });
    }
    const unit = this.directory.bySubscriptionKey(key);
    if (!unit) {
      throw new AuthError({
        kind: 'subscription-key',
        detail:
          'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
      });
    }
    return unit;
  }

  /** The sales unit of an MSN (one a verified token names), or undefined when it no longer exists. */
  unitForMsn(msn: string): SalesUnit | undefined {
    return this.directory.byMsn(msn);
  }

  /**
   * `POST /accesstoken/get`: checks client_id, client_secret and the subscription key (which must belong to the
   * same sales unit) and issues a token. Throws AuthError.
   */
  async issue(
    clientId: string | undefined,
    clientSecret: string | undefined,
    subscriptionKey: string | undefined,
  ): Promise<AccessTokenResponse> {
    const unitOfKey = this.unitForSubscriptionKey(subscriptionKey);
    if (!clientId || !clientSecret) {
      throw new AuthError({
        kind: 'client',
        error: 'invalid_request',
        code: 900144,
        detail:
          "AADSTS900144: The request body must contain the following parameter: 'client_id' and 'client_secret' (as headers).",
      });
    }
    const unit = await this.store.findSalesUnitByClientId(clientId);
    if (!unit) {
      throw new AuthError({
        kind: 'client',
        error: 'unauthorized_client',
        code: 700016,
        detail: `AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`,
      });
    }
    if (unit.clientSecret !== clientSecret) {
      throw new AuthError({
        kind: 'client',
        error: 'invalid_client',
        code: 7000215,
        detail: 'AADSTS7000215: Invalid client secret provided.',
      });
    }
    if (unitOfKey.msn !== unit.msn) {
      throw new AuthError({
        kind: 'subscription-key',
        detail:
          'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
      });
    }
    const now = Math.floor(this.clock.now() / 1000);
    const exp = now + this.lifetimeSeconds;
    const token = await new SignJWT({ msn: unit.msn, appid: unit.clientId, tid: 'betal' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(unit.clientId)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(exp)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(this.key);
    return {
      token_type: 'Bearer',
      expires_in: String(this.lifetimeSeconds),
      ext_expires_in: String(this.lifetimeSeconds),
      expires_on: String(exp),
      not_before: String(now),
      resource: AUDIENCE,
      access_token: token,
    };
  }

  /**
   * Checks an `Authorization` header value: `Bearer <token>` signed by this platform, not expired on the platform
   * clock. Returns the token's MSN; throws AuthError (token) for a missing, malformed, expired, tampered or
   * foreign token.
   */
  async verify(authorization: string | undefined): Promise<string> {
    if (!authorization)
      throw new AuthError({ kind: 'token', detail: 'The Authorization header is missing.' });
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match || !authorization.startsWith('Bearer')) {
      throw new AuthError({
        kind: 'token',
        detail: "The Authorization header must be 'Bearer <access token>'.",
      });
    }
    const token = match[1] as string;
    const now = this.clock.now();
    const cached = this.cache.get(token);
    if (cached) {
      if (now >= cached.expiresAt)
        throw new AuthError({ kind: 'token', detail: 'The access token has expired.' });
      return cached.msn;
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: new Date(now),
        clockTolerance: 0,
      });
      const msn = typeof payload.msn === 'string' ? payload.msn : undefined;
      if (!msn || typeof payload.exp !== 'number') throw new Error('claims missing');
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(token, { msn, expiresAt: payload.exp * 1000 });
      return msn;
    } catch (error) {
      const detail =
        error instanceof joseErrors.JWTExpired
          ? 'The access token has expired.'
          : error instanceof joseErrors.JWSSignatureVerificationFailed
            ? 'The access token signature is invalid.'
            : 'The access token is malformed or was not issued by this platform.';
      throw new AuthError({ kind: 'token', detail });
    }
  }
}
