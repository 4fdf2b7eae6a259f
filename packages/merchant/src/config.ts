/**
 * Settings of the merchant service, from environment variables with defaults that point at a local Betal
 * platform (README, "Merchant"). To run against the real Vipps MobilePay test API, set `VIPPS_BASE_URL` to
 * `https://apitest.vipps.no`, the sales unit's keys and MSN, and `MERCHANT_PUBLIC_URL` to a public https URL.
 */
export interface MerchantConfig {
  /** Interface to listen on. Env `MERCHANT_HOST`, default `127.0.0.1`. */
  host: string;
  /** Port to listen on (0: a free one). Env `MERCHANT_PORT`, default 3000. */
  port: number;
  /**
   * The merchant's own public URL: the base of returnUrl, the webhook URL, link, invoice and order-details
   * pages. Env `MERCHANT_PUBLIC_URL`, default `http://127.0.0.1:<port>`.
   */
  publicUrl?: string;
  /**
   * The store: a SQLite file (or `:memory:`) for one merchant process, or a `postgres://user@host:port/database`
   * URL for several processes sharing one PostgreSQL database (tables in its `merchant` schema). Env
   * `MERCHANT_DB`, default `./data/merchant.sqlite`.
   */
  database: string;
  /** The shop's name on its pages. Env `MERCHANT_NAME`, default `Betal Dev Shop`. */
  name: string;
  /** The sales unit's currency (NOK, DKK or EUR). Env `MERCHANT_CURRENCY`, default `NOK`. */
  currency: 'NOK' | 'DKK' | 'EUR';
  vipps: {
    /** Env `VIPPS_BASE_URL`, default `http://127.0.0.1:8080` (a local platform). */
    baseUrl: string;
    /** Env `VIPPS_CLIENT_ID`, default `dev-client-id`. */
    clientId: string;
    /** Env `VIPPS_CLIENT_SECRET`, default `dev-client-secret`. */
    clientSecret: string;
    /** Env `VIPPS_SUBSCRIPTION_KEY`, default `dev-subscription-key`. */
    subscriptionKey: string;
    /** Env `VIPPS_MSN`, default `123456`. */
    msn: string;
  };
  /** How often the reconciler looks for payments without news, in ms. Env `MERCHANT_RECONCILE_SECONDS` (×1000), default 15 s; 0 turns it off. */
  reconcileIntervalMs: number;
  /** How long a payment may go without news before it is queried, in ms. Env `MERCHANT_QUIET_SECONDS` (×1000), default 60 s. */
  quietMs: number;
  /** Register the webhook at start. Env `MERCHANT_REGISTER_WEBHOOK=0` turns it off; default on. */
  registerWebhook: boolean;
  /** Pino log level. Env `LOG_LEVEL`, default `info`. */
  logLevel: string;
}

/** Reads the configuration from environment variables (see {@link MerchantConfig}), falling back to the defaults. */
export function merchantConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MerchantConfig {
  const currency = (env.MERCHANT_CURRENCY ?? 'NOK').toUpperCase();
  return {
    host: env.MERCHANT_HOST ?? '127.0.0.1',
    port: env.MERCHANT_PORT !== undefined ? Number(env.MERCHANT_PORT) : 3000,
    ...(env.MERCHANT_PUBLIC_URL ? { publicUrl: env.MERCHANT_PUBLIC_URL.replace(/\/$/, '') } : {}),
    database: env.MERCHANT_DB ?? './data/merchant.sqlite',
    name: env.MERCHANT_NAME ?? 'Betal Dev Shop',
    currency: currency === 'DKK' || currency === 'EUR' ? currency : 'NOK',
    vipps: {
      baseUrl: (env.VIPPS_BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, ''),
      clientId: env.VIPPS_CLIENT_ID ?? 'dev-client-id',
      clientSecret: env.VIPPS_CLIENT_SECRET ?? 'dev-client-secret',
      subscriptionKey: env.VIPPS_SUBSCRIPTION_KEY ?? 'dev-subscription-key',
      msn: env.VIPPS_MSN ?? '123456',
    },
    reconcileIntervalMs:
      env.MERCHANT_RECONCILE_SECONDS !== undefined ? Number(env.MERCHANT_RECONCILE_SECONDS) * 1000 : 15_000,
    quietMs: env.MERCHANT_QUIET_SECONDS !== undefined ? Number(env.MERCHANT_QUIET_SECONDS) * 1000 : 60_000,
    registerWebhook: env.MERCHANT_REGISTER_WEBHOOK !== '0' && env.MERCHANT_REGISTER_WEBHOOK !== 'false',
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

/** Whether the base URL is one of the real Vipps MobilePay API hosts (then there is no local customer app). */
export function isRealVipps(baseUrl: string): boolean {
  return /^https:\/\/api(test)?\.vipps\.no$/i.test(baseUrl.replace(/\/$/, ''));
}
