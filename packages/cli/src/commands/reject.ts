import { Command } from 'commander';
import { rejectAsCustomer } from './customer.js';
import { processIo, type Io } from './io.js';
import { paymentOutcome, readPayment } from './payment.js';
import { verb } from './verb.js';

/**
 * `betal reject <reference> [--phone]`: the customer rejects the payment in their app (the app's JSON API): it is
 * found by reference in the test users' apps, or confirmed on its landing page for `--phone` first. ABORTED.
 */
export function registerReject(program: Command, io: Io = processIo()): void {
  verb<{ phone?: string }>(
    program
      .command('reject <reference>')
      .description("reject a payment in the customer's app (ABORTED), as the test user whose request it is")
      .option('--phone <number>', 'the test user (needed while the payment is on its landing page)'),
    io,
    'betal reject order-1001\nbetal reject order-1001 --phone 4712345678',
    async ({ http }, [reference], opts) => {
      const phone = await rejectAsCustomer(http, reference as string, opts.phone);
      return paymentOutcome(await readPayment(http, reference as string), { rejectedBy: phone });
    },
  );
}
