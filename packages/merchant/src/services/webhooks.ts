import { EPAYMENT_WEBHOOK_EVENTS } from '@betal/contract';
import {
  verifyWebhook,
  type IncomingWebhook,
  type VippsClient,
  type WebhookVerification,
} from '@betal/client';
import type { MerchantStore } from '../store/store.js';
import { describeError, type Log } from './payments.js';

/** The registration the merchant keeps: id, URL and the secret (answered only at registration, contract 4.1). */
export interface Registration {
  id: string;
  url: string;
  secret: string;
  registeredAt: number;
}

/** Where the registration stands, for the pages: registered, or the error of the last try. */
export type RegistrationStatus =
  { ok: true; registration: Registration } | { ok: false; error: string; at: number };

/** The setting that keeps the registration of one URL (several merchant processes may each have their own). */
const settingOf = (url: string) => `webhook_registration ${url}`;
/** Where a store from before registrations were kept per URL has its one registration. */
const LEGACY_SETTING = 'webhook_registration';

/**
 * The merchant's webhook registration (contract 4.1) and the check of each delivery's signature (contract 4.4).
 * At start the merchant makes sure one registration with its URL exists for every ePayment event: it keeps the
 * one it registered before when the platform still has it (the secret is only known from registration), and
 * otherwise deletes registrations of its URL whose secret it lost and registers anew. The registration is kept
 * in the store per URL: merchant processes behind one public URL share one registration (ensured under the
 * store's exclusive lock, so two starting together register once), processes with URLs of their own have one
 * each, and the platform delivers each event to each URL (applied once: see `PaymentService.applyWebhook`).
 */
export class WebhookRegistrar {
  private state: RegistrationStatus | undefined;
  private readonly deps: {
    store: MerchantStore;
    client: VippsClient;
    url: () => string;
    now: () => number;
    wallClock?: () => number;
    log: Log;
  };

  /**
   * `url` answers the URL the platform should POST to, e.g. `http://127.0.0.1:3000/webhooks/vipps` (a function:
   * it is known once the merchant listens). `wallClock` is real time for the freshness of `x-ms-date` (epoch ms),
   * default Date.now.
   */
  constructor(deps: {
    store: MerchantStore;
    client: VippsClient;
    url: () => string;
    now: () => number;
    wallClock?: () => number;
    log: Log;
  }) {
    this.deps = deps;
  }

  /** The registration of this URL kept in the store, as last read or written. */
  private saved: Registration | undefined;

  /** Reads the registration of this URL kept in the store (by this process or another, now or before). */
  private async load(): Promise<Registration | undefined> {
    const url = this.deps.url();
    const kept = await this.deps.store.getSetting(settingOf(url));
    if (kept) return (this.saved = JSON.parse(kept) as Registration);
    const legacy = await this.deps.store.getSetting(LEGACY_SETTING);
    const old = legacy ? (JSON.parse(legacy) as Registration) : undefined;
    if (old?.url === url) this.saved = old;
    return this.saved;
  }

  /** The registration status, or undefined before the first try. */
  get status(): RegistrationStatus | undefined {
    return this.state;
  }

  /**
   * Ensures the registration (see the class). Answers the status; a failure is kept (shown on the pages) and
   * logged, never thrown, so that the merchant starts even when the platform is down; call again to retry.
   */
  async ensure(): Promise<RegistrationStatus> {
    const { store } = this.deps;
    try {
      return await store.exclusive('webhook-registration', () => this.ensureAlone());
    } catch (error) {
      return this.failed(error);
    }
  }

  private async ensureAlone(): Promise<RegistrationStatus> {
    const { client, store, log } = this.deps;
    const url = this.deps.url();
    try {
      const listed = await client.webhooks.list();
      const known = await this.load();
      if (known && listed.webhooks.some((w) => w.id === known.id && w.url === url)) {
        this.state = { ok: true, registration: known };
        return this.state;
      }
      for (const w of listed.webhooks) if (w.url === url) await client.webhooks.delete(w.id);
      const created = await client.webhooks.register({ url, events: [...EPAYMENT_WEBHOOK_EVENTS] });
      const registration: Registration = {
        id: created.id,
        url,
        secret: created.secret,
        registeredAt: this.deps.now(),
      };
      await store.setSetting(settingOf(url), JSON.stringify(registration));
      this.saved = registration;
      this.state = { ok: true, registration };
      log.info({ id: created.id, url }, 'registered the webhook');
    } catch (error) {
      return this.failed(error);
    }
    return this.state;
  }

  /** Keeps and logs a failure of {@link ensure}. */
  private failed(error: unknown): RegistrationStatus {
    const url = this.deps.url();
    this.state = {
      ok: false,
      error: `Registering the webhook ${url}: ${describeError(error)}`,
      at: this.deps.now(),
    };
    this.deps.log.error({ err: error, url }, 'webhook registration failed');
    return this.state;
  }

  /**
   * Verifies a delivery's signature (contract 4.4) with the registration's secret, through the client's
   * `verifyWebhook`: content hash, HMAC-SHA256 over method, path and query, date, the registered URL's authority
   * (not the Host header a request claims) and hash, and a date within 5 minutes of real time. Refused when the
   * merchant holds no registration. When the signature does not match the secret this process knows, the
   * registration is read again from the store (another process may have registered anew) and tried once more.
   */
  async verify(request: IncomingWebhook): Promise<WebhookVerification> {
    const options = { now: this.deps.wallClock ?? Date.now };
    const held = this.state?.ok ? this.state.registration : (this.saved ?? (await this.load()));
    // The signed host is the authority of the URL registered, not whatever Host a request claims: a delivery
    // signed for another host is refused (the wrong-host case of `betal check webhooks`).
    const asRegistered = (registration: { url: string }) => ({
      ...request,
      host: new URL(registration.url).host,
    });
    let verdict: WebhookVerification | undefined = held
      ? verifyWebhook(asRegistered(held), held.secret, options)
      : undefined;
    if (verdict?.ok) return verdict;
    const kept = await this.load();
    if (kept && kept.secret !== held?.secret) {
      if (this.state?.ok) this.state = { ok: true, registration: kept };
      verdict = verifyWebhook(asRegistered(kept), kept.secret, options);
    }
    return (
      verdict ?? {
        ok: false,
        reason: 'signature-mismatch',
        message: 'The merchant holds no webhook registration.',
      }
    );
  }
}
