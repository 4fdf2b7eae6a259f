import { Command } from 'commander';
import { processIo, type Io } from './io.js';
import { paymentOutcome, readPayment } from './payment.js';
import { registerPaymentsList } from './payments-list.js';
import { verb } from './verb.js';

/**
 * `betal payments get <reference>`: the payment (GET payment) and its events, through the ePayment API with the
 * sales unit's credentials; `betal payments list` (payments-list.ts): the list of `GET /betal/payments`.
 */
export function registerPayments(program: Command, io: Io = processIo()): void {
  const payments = program.command('payments').description("read a sales unit's payments");
  verb(
    payments.command('get <reference>').description('show a payment and its events'),
    io,
    'betal payments get order-1001\nbetal payments get order-1001 --msn 654321 --json',
    async ({ http }, [reference]) => paymentOutcome(await readPayment(http, reference as string)),
  );
  registerPaymentsList(payments, io);
}
