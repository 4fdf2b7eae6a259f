import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { forceApprove } from './approve.js';
import { advanceClock } from './clock.js';
import { rejectAsCustomer } from './customer.js';
import { VerbError, type PlatformHttp } from './http.js';
import { processIo, type Io } from './io.js';
import type { MerchantView } from './merchants.js';
import { cancel, modify } from './modify.js';
import { paymentOutcome, readPayment } from './payment.js';
import { minorUnits, verb } from './verb.js';

/** The events `trigger` can walk a new payment to, each with the steps after create. */
export const TRIGGER_EVENTS = [
  'created',
  'authorized',
  'captured',
  'refunded',
  'cancelled',
  'expired',
  'aborted',
] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

/** How far `trigger expired` moves the clock: past a WEB_REDIRECT payment's 5 + 5 minutes (contract 3.11). */
export const EXPIRY_SECONDS = 601;

/** The sales unit's currency, from `GET /betal/merchants` (dev mode); NOK when it cannot be read. */
async function currencyOf(http: PlatformHttp): Promise<string> {
  try {
    const { merchants } = await http.betal<{ merchants: MerchantView[] }>('GET', '/betal/merchants');
    return merchants.find((m) => m.msn === http.options.msn)?.currency ?? 'NOK';
  } catch (error) {
    if (error instanceof VerbError && error.name === 'NotRunningError') throw error;
    return 'NOK';
  }
}

/** Creates a WEB_REDIRECT payment for the test user `phone`, with a new reference `betal-<hex>`. */
async function create(http: PlatformHttp, value: number, phone: string): Promise<string> {
  const reference = `betal-${randomBytes(6).toString('hex')}`;
  await http.vipps('POST', '/epayment/v1/payments', {
    amount: { currency: await currencyOf(http), value },
    paymentMethod: { type: 'WALLET' },
    customer: { phoneNumber: phone },
    reference,
    returnUrl: 'https://example.com/betal-cli/return',
    userFlow: 'WEB_REDIRECT',
    paymentDescription: 'betal trigger',
  });
  return reference;
}

/**
 * Walks a new payment to `event`: created; authorized (force approve); captured and refunded (approve, capture
 * all, refund all); cancelled (approve, cancel); expired (the test clock moves past its expiry, which moves it
 * for the whole platform); aborted (the customer rejects it in the app). Returns the reference.
 */
export async function trigger(
  http: PlatformHttp,
  event: TriggerEvent,
  value: number,
  phone: string,
): Promise<string> {
  const reference = await create(http, value, phone);
  if (['authorized', 'captured', 'refunded', 'cancelled'].includes(event))
    await forceApprove(http, reference, phone);
  if (event === 'captured' || event === 'refunded') await modify(http, 'capture', reference);
  if (event === 'refunded') await modify(http, 'refund', reference);
  if (event === 'cancelled') await cancel(http, reference);
  if (event === 'expired') await advanceClock(http, EXPIRY_SECONDS);
  if (event === 'aborted') await rejectAsCustomer(http, reference, phone);
  return reference;
}

/** `betal trigger <event>`: a new payment walked to the event, printed with its events. */
export function registerTrigger(program: Command, io: Io = processIo()): void {
  verb<{ amount?: string; phone: string }>(
    program
      .command('trigger <event>')
      .description(`make a new payment and walk it to an event: ${TRIGGER_EVENTS.join(', ')} (dev mode)`)
      .option('--amount <minor units>', 'the amount in minor units, in the sales unit’s currency', '10000')
      .option('--phone <number>', 'the test user who pays', '4712345678'),
    io,
    'betal trigger captured\nbetal trigger expired --json    # moves the test clock 10 minutes',
    async ({ http }, [event], opts) => {
      if (!TRIGGER_EVENTS.includes(event as TriggerEvent)) {
        throw new VerbError(`the event must be one of ${TRIGGER_EVENTS.join(', ')}, not ${event}`, 2);
      }
      const reference = await trigger(
        http,
        event as TriggerEvent,
        minorUnits(opts.amount) as number,
        opts.phone,
      );
      const report = await readPayment(http, reference);
      const outcome = paymentOutcome(report, { event, reference });
      return { json: outcome.json, text: `${event}: ${reference}\n\n${outcome.text}` };
    },
  );
}
