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
  /** SQLite file, or `:memory:`. Env `BETAL_DB`, default `./data/platform.sqlite`. */
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
}

/** Reads the configuration from environment variables, falling back to the defaults. */
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
  };
}
