import type { RateLimitMode } from './services/rate-limits.js';

/**
 * Settings of the platform, from flags and environment variables with documented defaults (README, "Configuration").
 */
export interface PlatformConfig {
  /** Interface to listen on. Env `HOST`, default `127.0.0.1`. */
  host: string;
  /** Port to listen on; 0 picks a free one. Env `PORT`, default 8080. */
  port: number;
  /** Base of the URLs handed out (redirectUrl, QR). Env `BETAL_PUBLIC_URL`, default the listening address. */
  publicBaseUrl?: string;
  /** SQLite file, `:memory:`, or a `postgres://` URL (see storage/open.ts). Env `BETAL_DB`, default `./data/platform.sqlite`. */
  database: string;
  /** Dev mode: seeds dev merchants and users, allows http:// URLs (with lint notices). Env `BETAL_DEV`, default on. */
  devMode: boolean;
  /** How often overdue payments are expired, in ms. Env `BETAL_EXPIRY_SWEEP_MS`, default 1000; 0 turns it off. */
  expirySweepMs: number;
  /** Log level of pino (`silent` to turn logging off). Env `LOG_LEVEL`, default `info`. */
  logLevel: string;
  /**
   * Rate limits of contract 3.1: `warn` (lint notice), `enforce` (429 with Retry-After) or `off`.
   * Env `BETAL_RATE_LIMITS`, default `warn`.
   */
  rateLimits: RateLimitMode;
  /**
   * Strict mode: every lint notice (an accepted deviation from the spec: a path's spelling, an unknown field, a
   * whole-number float, `bearer` in lower case, ...) is refused with 400 in the API's own error shape instead.
   * Flag `--strict`, env `BETAL_STRICT=1`, default off.
   */
  strict: boolean;
  /**
   * The admin token outside dev mode: the dashboard, the delivery log, redelivery and test-user management need
   * it as `Authorization: Bearer <token>` (or the cookie set by `?admin_token=`). Env `BETAL_ADMIN_TOKEN`; when
   * unset, one is generated at first start, kept in the store's settings and printed (internal/admin-guard.ts).
   */
  adminToken?: string;
  /**
   * Host names (or IP addresses) a webhook may be registered at outside dev mode although they resolve to a
   * loopback, private or otherwise internal address: for teams with internal receivers. Matched exactly, case
   * insensitively, without a trailing dot. Env `BETAL_ALLOW_WEBHOOK_HOSTS` (comma-separated), default none.
   */
  allowWebhookHosts: string[];
  /**
   * How long a write waits for the SQLite lock, in ms, before it is answered 503 with `Retry-After`. The wait is
   * spread over timers, so the event loop is never blocked for more than a few ms. Env `BETAL_STORE_LOCK_MS`,
   * default 250.
   */
  storeLockWaitMs: number;
  /** HTTP timeouts in ms (README "Configuration"); 0 turns one off. */
  timeouts: HttpTimeouts;
}

/** The HTTP server's timeouts, in ms of real time. */
export interface HttpTimeouts {
  /** A request whose headers and body have not all arrived within this time is cut (408). Env
   * `BETAL_REQUEST_TIMEOUT_MS`, default 30 000. */
  requestMs: number;
  /** A request whose headers have not all arrived within this time is cut. At most `requestMs`. Env
   * `BETAL_HEADERS_TIMEOUT_MS`, default 30 000. */
  headersMs: number;
  /** A kept-alive connection with no new request within this time is closed. Env `BETAL_KEEP_ALIVE_TIMEOUT_MS`,
   * default 5 000. */
  keepAliveMs: number;
  /** A connection on which nothing moves either way for this long is closed (Server-Sent Events streams are
   * exempt). Env `BETAL_IDLE_TIMEOUT_MS`, default 30 000. */
  idleMs: number;
}

function numberOr(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`Not a duration in ms: '${value}'.`);
  return n;
}

/** Splits a comma-separated list of host names: trimmed, lower case, without a trailing dot, no empty entries. */
export function hostList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase().replace(/\.$/, ''))
    .filter(Boolean);
}

/**
 * Reads the configuration from environment variables, falling back to the defaults. Throws on a duration that is
 * not a non-negative number.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  return {
    host: env.HOST ?? '127.0.0.1',
    port: env.PORT !== undefined ? Number(env.PORT) : 8080,
    ...(env.BETAL_PUBLIC_URL ? { publicBaseUrl: env.BETAL_PUBLIC_URL.replace(/\/$/, '') } : {}),
    database: env.BETAL_DB ?? './data/platform.sqlite',
    devMode: env.BETAL_DEV !== '0' && env.BETAL_DEV !== 'false',
    expirySweepMs: env.BETAL_EXPIRY_SWEEP_MS !== undefined ? Number(env.BETAL_EXPIRY_SWEEP_MS) : 1000,
    rateLimits:
      env.BETAL_RATE_LIMITS === 'enforce' || env.BETAL_RATE_LIMITS === 'off' ? env.BETAL_RATE_LIMITS : 'warn',
    logLevel: env.LOG_LEVEL ?? 'info',
    strict: env.BETAL_STRICT === '1' || env.BETAL_STRICT === 'true',
    ...(env.BETAL_ADMIN_TOKEN ? { adminToken: env.BETAL_ADMIN_TOKEN } : {}),
    allowWebhookHosts: hostList(env.BETAL_ALLOW_WEBHOOK_HOSTS),
    storeLockWaitMs: numberOr(env.BETAL_STORE_LOCK_MS, 250),
    timeouts: {
      requestMs: numberOr(env.BETAL_REQUEST_TIMEOUT_MS, 30_000),
      headersMs: numberOr(env.BETAL_HEADERS_TIMEOUT_MS, 30_000),
      keepAliveMs: numberOr(env.BETAL_KEEP_ALIVE_TIMEOUT_MS, 5_000),
      idleMs: numberOr(env.BETAL_IDLE_TIMEOUT_MS, 30_000),
    },
  };
}
