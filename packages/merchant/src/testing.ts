import { merchantConfigFromEnv, type MerchantConfig } from './config.js';
import { createMerchant, type Merchant, type MerchantOverrides } from './server.js';

/** Options of {@link startMerchant}; everything has a test-friendly default. */
export interface StartMerchantOptions extends MerchantOverrides {
  /** Overrides of the configuration (the platform URL is the first argument). */
  config?: Partial<MerchantConfig>;
}

/** A merchant started in-process for a test. */
export interface StartedMerchant {
  /** Base URL, e.g. `http://127.0.0.1:41235`. */
  url: string;
  merchant: Merchant;
  close(): Promise<void>;
}

/**
 * Starts a merchant in-process on a free port of 127.0.0.1 with an in-memory store, pointed at the platform at
 * `platformUrl` with the dev credentials of MSN 123456, its webhook registered, and the reconciler's timer off
 * (tests call `merchant.payments.reconcile(quietMs)` on their own clock). Pass `now` to share the platform's
 * frozen clock.
 */
export async function startMerchant(
  platformUrl: string,
  options: StartMerchantOptions = {},
): Promise<StartedMerchant> {
  const base = merchantConfigFromEnv({});
  const config: MerchantConfig = {
    ...base,
    host: '127.0.0.1',
    port: 0,
    database: ':memory:',
    logLevel: 'silent',
    reconcileIntervalMs: 0,
    ...options.config,
    vipps: { ...base.vipps, baseUrl: platformUrl.replace(/\/$/, ''), ...options.config?.vipps },
  };
  const { config: _config, ...overrides } = options;
  const merchant = await createMerchant(config, overrides);
  const url = await merchant.listen();
  return { url, merchant, close: () => merchant.close() };
}
