import { Command } from 'commander';
import { processIo, type Io } from './io.js';
import type { PlatformHttp } from './http.js';
import { paymentOutcome, paymentPath, readPayment, type GetPaymentResponse } from './payment.js';
import { minorUnits, verb } from './verb.js';

/** The amount capture or refund takes when `--amount` is not given: all that is left to capture or to refund. */
export function remaining(operation: 'capture' | 'refund', payment: GetPaymentResponse): number {
  const a = payment.aggregate;
  return operation === 'capture'
    ? a.authorizedAmount.value - a.capturedAmount.value - a.cancelledAmount.value
    : a.capturedAmount.value - a.refundedAmount.value;
}

/** Captures or refunds `value` minor units (default: what is left), in the payment's currency. */
export async function modify(
  http: PlatformHttp,
  operation: 'capture' | 'refund',
  reference: string,
  value?: number,
): Promise<void> {
  const { payment } = await readPayment(http, reference);
  await http.vipps('POST', `${paymentPath(reference)}/${operation}`, {
    modificationAmount: { currency: payment.amount.currency, value: value ?? remaining(operation, payment) },
  });
}

/** Cancels a payment: all of it while CREATED, else what is authorized and not captured. */
export async function cancel(http: PlatformHttp, reference: string): Promise<void> {
  await http.vipps('POST', `${paymentPath(reference)}/cancel`, {});
}

/** `betal capture|refund <reference> [--amount]` and `betal cancel <reference>`, then the payment is shown. */
export function registerModify(program: Command, io: Io = processIo()): void {
  for (const operation of ['capture', 'refund'] as const) {
    verb<{ amount?: string }>(
      program
        .command(`${operation} <reference>`)
        .description(
          operation === 'capture'
            ? 'capture a payment: what is authorized and not captured, or --amount'
            : 'refund a payment: what is captured and not refunded, or --amount',
        )
        .option(
          '--amount <minor units>',
          'the amount in minor units (2500 is 25.00), in the payment’s currency',
        ),
      io,
      `betal ${operation} order-1001\nbetal ${operation} order-1001 --amount 2500`,
      async ({ http }, [reference], opts) => {
        await modify(http, operation, reference as string, minorUnits(opts.amount));
        return paymentOutcome(await readPayment(http, reference as string));
      },
    );
  }
  verb(
    program
      .command('cancel <reference>')
      .description('cancel a payment: all of it while CREATED, else what is authorized and not captured'),
    io,
    'betal cancel order-1001',
    async ({ http }, [reference]) => {
      await cancel(http, reference as string);
      return paymentOutcome(await readPayment(http, reference as string));
    },
  );
}
