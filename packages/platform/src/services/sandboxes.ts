import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Currency } from '@betal/contract';
import type { Market, SalesUnit } from '../domain/sales-unit.js';
import { ApiError } from '../kernel/errors.js';
import type { PlatformStore } from '../storage/ports.js';
import type { SalesUnitDirectory } from './directory.js';

/** What a new sandbox may be approved for; every flag defaults to what a new sales unit has. */
export interface SandboxCapabilities {
  /** `userFlow: PUSH_MESSAGE` (default false). */
  pushMessage?: boolean;
  /** Long-living payments (default false). */
  longLiving?: boolean;
  /** The `nin` profile scope (default false). */
  nin?: boolean;
  /** More than one capture, or less than the whole amount (default true; false is "full capture only"). */
  partialCapture?: boolean;
  /** Late capture in Denmark and Finland: 180 days instead of 14 (default false). */
  lateCapture?: boolean;
}

/** `POST /betal/merchants`: a sales unit to create. */
export interface NewSandbox {
  name: string;
  market: Market;
  /** Default: the market's (NOK in Norway, DKK in Denmark, EUR in Finland); required in Sweden. */
  currency?: Currency;
  capabilities?: SandboxCapabilities;
}

const MARKET_CURRENCY: Partial<Record<Market, Currency>> = { NO: 'NOK', DK: 'DKK', FI: 'EUR' };

/**
 * Sandboxes and reset (issue #13): sales units created and deleted over the platform's own API, each with a
 * fresh MSN and fresh credentials, and a reset of one sales unit's data or of everything.
 */
export class SandboxService {
  constructor(
    private readonly deps: {
      store: PlatformStore;
      directory: SalesUnitDirectory;
      /** Called after data was deleted, so that what is held in memory (the webhook dispatcher's) is read again. */
      forget: () => void;
      /** Puts back the dev seed (dev mode) after everything was deleted. */
      seed: () => Promise<void>;
      /** Settings that survive a reset of everything: signing keys, the admin token, the clock's offset. */
      keepSettings: readonly string[];
    },
  ) {}

  /** Creates a sales unit with a fresh MSN and fresh credentials, and answers it (credentials included). */
  async create(input: NewSandbox): Promise<SalesUnit> {
    const currency = input.currency ?? MARKET_CURRENCY[input.market];
    if (currency === undefined) {
      throw ApiError.validation([
        { name: 'currency', reason: `Give the currency for market ${input.market}: NOK, DKK or EUR.` },
      ]);
    }
    const caps = input.capabilities ?? {};
    let msn: string;
    do msn = String(randomInt(100_000, 1_000_000));
    while (this.deps.directory.byMsn(msn));
    const unit: SalesUnit = {
      msn,
      name: input.name,
      market: input.market,
      currency,
      clientId: randomUUID(),
      clientSecret: randomBytes(24).toString('base64url'),
      subscriptionKeys: [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')],
      capabilities: {
        pushMessage: caps.pushMessage ?? false,
        longLiving: caps.longLiving ?? false,
        ninScope: caps.nin ?? false,
        fullCaptureOnly: !(caps.partialCapture ?? true),
        maxLongLivingDays: 60,
        lateCapture: caps.lateCapture ?? false,
      },
    };
    await this.deps.directory.save(unit);
    return unit;
  }

  /** Deletes a sales unit and all its data; its credentials and tokens stop working. ApiError 404 when unknown. */
  async delete(msn: string): Promise<void> {
    this.known(msn);
    this.deps.directory.remove(msn);
    await this.deps.store.deleteMerchant(msn);
    this.deps.forget();
  }

  /**
   * With an MSN: deletes that sales unit's data (payments, webhooks, Order Management data, consents, inbox
   * entries) and keeps the unit. Without: deletes everything and, in dev mode, puts back the dev seed.
   */
  async reset(options: { msn?: string } = {}): Promise<void> {
    if (options.msn !== undefined) {
      this.known(options.msn);
      await this.deps.store.deleteMerchant(options.msn, { keepUnit: true });
    } else {
      await this.deps.store.deleteEverything({ keepSettings: this.deps.keepSettings });
      await this.deps.directory.reload();
      await this.deps.seed();
    }
    this.deps.forget();
  }

  private known(msn: string): void {
    if (!this.deps.directory.byMsn(msn)) {
      throw new ApiError(404, `There is no sales unit with MSN ${msn}.`, {
        fields: [{ name: 'msn', reason: 'No sales unit has this MSN.' }],
      });
    }
  }
}
