import { PlatformClock } from './clock.js';
import { configFromEnv, type PlatformConfig } from './config.js';
import type { OrderDetailsSource } from './customer/order-details.js';
import type { IdSource } from './ids.js';
import { createPlatform, type Platform } from './server.js';
import type { Seed } from './services/seed.js';

/** Options of {@link startPlatform}; everything has a test-friendly default. */
export interface StartPlatformOptions {
  /** The database (see storage/open.ts): a SQLite path or `:memory:` (the default). */
  database?: string;
  /** Freeze the clock at this time (epoch ms) for deterministic tests; default a running clock. */
  frozenAt?: number;
  /** Pino log level; default `silent`. */
  logLevel?: string;
  /** Expiry sweep interval in ms; default 0 (off: tests advance the clock and expiry happens on it). */
  expirySweepMs?: number;
  ids?: IdSource;
  /** Where the customer's app finds order details; default: the platform's own Order Management API. */
  orderDetails?: OrderDetailsSource;
  config?: Partial<PlatformConfig>;
  /** A seed (services/seed.ts, as `betal start --seed FILE` reads it), applied at start and after a reset. */
  seed?: { seed: Seed; file: string };
}

/** A platform started in-process for a test suite. */
export interface StartedPlatform {
  /** Base URL, e.g. `http://127.0.0.1:41234`: pass it to `usePlatform(url)` or your own client. */
  url: string;
  platform: Platform;
  clock: PlatformClock;
  /**
   * Resets the platform's data: `reset()` everything (back to the dev merchants and test users), `reset({msn})`
   * one sales unit's data (the unit and its credentials kept). Fast enough to run before every test.
   */
  reset(options?: { msn?: string }): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a platform in-process on a free port of 127.0.0.1 with an in-memory store, in dev mode (the dev
 * merchants and test users exist). For test suites: `const { url, close } = await startPlatform();`.
 */
export async function startPlatform(options: StartPlatformOptions = {}): Promise<StartedPlatform> {
  const config: PlatformConfig = {
    ...configFromEnv({}),
    host: '127.0.0.1',
    port: 0,
    database: options.database ?? ':memory:',
    devMode: true,
    expirySweepMs: options.expirySweepMs ?? 0,
    logLevel: options.logLevel ?? 'silent',
    ...options.config,
  };
  const clock = new PlatformClock(options.frozenAt !== undefined ? { frozenAt: options.frozenAt } : {});
  const platform = await createPlatform(config, {
    clock,
    ...(options.ids ? { ids: options.ids } : {}),
    ...(options.orderDetails ? { orderDetails: options.orderDetails } : {}),
    ...(options.seed ? { seed: options.seed } : {}),
  });
  const url = await platform.listen();
  return { url, platform, clock, reset: (o) => platform.reset(o), close: () => platform.close() };
}
