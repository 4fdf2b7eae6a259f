import { PlatformClock } from './clock.js';
import type { StartedPlatform as PublicStartedPlatform } from './start.js';
import { configFromEnv, type PlatformConfig } from './config.js';
import type { OrderDetailsSource } from './customer/order-details.js';
import type { IdSource } from './ids.js';
import { composePlatform, type ComposedPlatform } from './server.js';
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

/**
 * A platform started in-process for a test suite, with its composed parts (internal: the platform's own tests
 * and `@betal/platform/internal`; users get the public one of start.ts).
 */
export interface StartedPlatform extends Omit<PublicStartedPlatform, 'platform' | 'admin'> {
  platform: ComposedPlatform;
}

/**
 * Starts a platform in-process on a free port of 127.0.0.1 with an in-memory store, in dev mode (the dev
 * merchants and test users exist), and answers it with its composed parts (internal; the public
 * `startPlatform` of start.ts answers the narrow view). Rejects as `createPlatform` does.
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
  const platform = await composePlatform(config, {
    clock,
    ...(options.ids ? { ids: options.ids } : {}),
    ...(options.orderDetails ? { orderDetails: options.orderDetails } : {}),
    ...(options.seed ? { seed: options.seed } : {}),
  });
  const url = await platform.listen();
  return {
    url,
    platform,
    clock,
    reset: (o) => platform.reset(o),
    close: () => platform.close(),
  };
}
