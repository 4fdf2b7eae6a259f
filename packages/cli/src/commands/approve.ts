import { Command } from 'commander';
import type { PlatformHttp } from './http.js';
import { processIo, type Io } from './io.js';
import { paymentOutcome, readPayment } from './payment.js';
import { verb } from './verb.js';

/** Force approve (`POST /epayment/v1/test/payments/{reference}/approve`), as the given test user or the payment's customer. */
export async function forceApprove(
  http: PlatformHttp,
  reference: string,
  phone: string | undefined,
): Promise<void> {
  await http.vipps('POST', `/epayment/v1/test/payments/${encodeURIComponent(reference)}/approve`, {
    ...(phone ? { customer: { phoneNumber: phone } } : {}),
  });
}

/** `betal approve <reference> [--phone]`: force approve a payment (dev mode), then show it. */
export function registerApprove(program: Command, io: Io = processIo()): void {
  verb<{ phone?: string }>(
    program
      .command('approve <reference>')
      .description('force approve a payment (dev mode): AUTHORIZED, as if the customer approved in the app')
      .option('--phone <number>', "the test user who approves (default: the payment's customer)"),
    io,
    'betal approve order-1001 --phone 4712345678',
    async ({ http }, [reference], opts) => {
      await forceApprove(http, reference as string, opts.phone);
      return paymentOutcome(await readPayment(http, reference as string));
    },
  );
}
