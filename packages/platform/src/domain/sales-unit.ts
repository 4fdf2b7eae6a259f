import type { Currency, Market } from '@betal/contract';

/** Markets of the two brands (the contract's `MARKETS`): Vipps in NO and SE, MobilePay in DK and FI. */
export type { Market };
/** The brand a customer sees (see {@link brandOf}, and domain/customer-flow.ts `brandAt` for the 2027 switch). */
export type Brand = 'VIPPS' | 'MOBILEPAY';

/**
 * What a sales unit (MSN) has been approved for; each flag turns a 5xxx refusal of contract 3.9 on or off.
 */
export interface Capabilities {
  /** `userFlow: PUSH_MESSAGE` ("skip landing page"); refused with 5080 when false. */
  pushMessage: boolean;
  /** Long-living payments (`expiresAt`); refused with 5050 when false. */
  longLiving: boolean;
  /** The `nin` profile scope; refused with 5030 when false. */
  ninScope: boolean;
  /** Only one capture of the whole authorized amount (6140). */
  fullCaptureOnly: boolean;
  /** The longest `expiresAt` ahead, in days: 60 by default (contract 3.12). */
  maxLongLivingDays: number;
  /** "Late capture" (DK/FI): 180 days to capture instead of 14 (contract 3.6, 6100). */
  lateCapture?: boolean;
}

/** A merchant's sales unit with its credentials. Source: contract 1 (Credentials of a sales unit). */
export interface SalesUnit {
  msn: string;
  name: string;
  market: Market;
  currency: Currency;
  clientId: string;
  clientSecret: string;
  /** Primary and secondary `Ocp-Apim-Subscription-Key`; both are valid. */
  subscriptionKeys: string[];
  capabilities: Capabilities;
}

/** The brand a market's customers see. */
export function brandOf(market: Market): Brand {
  return market === 'DK' || market === 'FI' ? 'MOBILEPAY' : 'VIPPS';
}

/** The smallest amount a payment may ask for, in minor units: NOK 100 øre, DKK 1 øre, EUR 1 cent (6010). */
export const MINIMUM_AMOUNT: Readonly<Record<Currency, number>> = { NOK: 100, DKK: 1, EUR: 1 };

/**
 * Days after authorization within which a sales unit can capture (contract 3.6): 180 in Norway and Sweden;
 * 14 in Denmark and Finland unless late capture is enabled, then 180. After that, 6100.
 */
export function captureWindowDays(unit: Pick<SalesUnit, 'market' | 'capabilities'>): number {
  return (unit.market === 'DK' || unit.market === 'FI') && !unit.capabilities.lateCapture ? 14 : 180;
}
