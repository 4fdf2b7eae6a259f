import type { Command } from 'commander';
import type { ClockView } from './clock.js';
import { parseDuration } from './duration.js';
import { VerbError } from './http.js';
import type { Io } from './io.js';
import type { GetPaymentResponse } from './payment.js';
import { formatTable, money } from './table.js';
import { verb, type Outcome } from './verb.js';

/** One payment of `GET /betal/payments`: GET payment's fields with its MSN and times (ISO, platform clock). */
export interface ListedPayment extends GetPaymentResponse {
  msn: string;
  createdAt: string;
  expiresAt: string;
  userFlow: string;
}

/** A page of `GET /betal/payments`, newest first. */
export interface PaymentList {
  payments: ListedPayment[];
  nextCursor: string | null;
}

interface ListOptions {
  state?: string;
  reference?: string;
  since?: string;
  until?: string;
  limit?: string;
  cursor?: string;
  allMsns?: boolean;
  msn?: string;
}

/**
 * A time of `--since`/`--until`: an ISO 8601 date-time as given, or a duration (`10m`, `2d`) meaning that long
 * before the platform clock's now (asked once with `GET /betal/clock`). Throws VerbError (exit 2) otherwise.
 */
async function instant(flag: string, text: string, now: () => Promise<number>): Promise<string> {
  if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    if (Number.isNaN(Date.parse(text))) throw new VerbError(`${flag} is not a date-time: ${text}`, 2);
    return /(Z|[+-]\d{2}:\d{2})$/i.test(text) ? text : `${text}Z`;
  }
  const seconds = parseDuration(text);
  if (seconds === undefined) {
    throw new VerbError(
      `${flag} must be an ISO 8601 date-time or a duration ago like 10m or 2d, not ${text}`,
      2,
    );
  }
  return new Date((await now()) - seconds * 1000).toISOString();
}

/** The page as a table for people, with how to get the next page. */
export function paymentListText(list: PaymentList): string {
  if (list.payments.length === 0) return 'No payments.';
  const table = formatTable(
    ['CREATED', 'MSN', 'REFERENCE', 'STATE', 'AMOUNT', 'CAPTURED', 'REFUNDED', 'FLOW'],
    list.payments.map((p) => [
      p.createdAt,
      p.msn,
      p.reference,
      p.state,
      money(p.amount.value, p.amount.currency),
      money(p.aggregate.capturedAmount.value, p.amount.currency),
      money(p.aggregate.refundedAmount.value, p.amount.currency),
      p.userFlow,
    ]),
  );
  return list.nextCursor ? `${table}\n\nMore: add --cursor ${list.nextCursor}` : table;
}

/**
 * `betal payments list`: the payments, newest first (`GET /betal/payments`, admin outside dev mode), of the sales
 * unit named by `--msn` or `VIPPS_MSN`, or of every one without them (or with `--all-msns`); filters `--state`,
 * `--reference` (a prefix), `--since`/`--until` (ISO 8601, or a duration before the platform clock's now), a page
 * of `--limit` and the `--cursor` of the page before.
 */
export function registerPaymentsList(payments: Command, io: Io): void {
  verb<ListOptions>(
    payments
      .command('list')
      .description('list payments, newest first (admin): of every sales unit unless --msn is given')
      .option(
        '--state <states>',
        'only these states, comma-separated: CREATED,AUTHORIZED,ABORTED,EXPIRED,TERMINATED',
      )
      .option('--reference <prefix>', 'only references that start with this')
      .option(
        '--since <time>',
        'created at or after: ISO 8601, or a duration ago on the platform clock (10m, 2d)',
      )
      .option('--until <time>', 'created before: ISO 8601, or a duration ago on the platform clock')
      .option('--limit <n>', 'at most this many (1-100, default 20)')
      .option('--cursor <cursor>', 'the next page: the cursor the page before printed')
      .option('--all-msns', 'every sales unit, even when VIPPS_MSN is set'),
    io,
    [
      'betal payments list',
      'betal payments list --msn 123456 --state AUTHORIZED --since 1h',
      'betal payments list --reference order- --limit 50 --json',
    ].join('\n'),
    async ({ http }, _args, opts): Promise<Outcome> => {
      const params = new URLSearchParams();
      const msn = opts.allMsns ? undefined : (opts.msn ?? (io.env.VIPPS_MSN || undefined));
      if (msn) params.set('msn', msn);
      if (opts.state) params.set('state', opts.state);
      if (opts.reference) params.set('reference', opts.reference);
      let clockNow: number | undefined;
      const now = async () =>
        (clockNow ??= Date.parse((await http.betal<ClockView>('GET', '/betal/clock')).now));
      if (opts.since) params.set('since', await instant('--since', opts.since, now));
      if (opts.until) params.set('until', await instant('--until', opts.until, now));
      if (opts.limit !== undefined) {
        const n = Number(opts.limit);
        if (!(Number.isInteger(n) && n >= 1 && n <= 100)) {
          throw new VerbError(`--limit must be a whole number from 1 to 100, not ${opts.limit}`, 2);
        }
        params.set('limit', String(n));
      }
      if (opts.cursor) params.set('cursor', opts.cursor);
      const query = params.toString();
      const list = await http.betal<PaymentList>('GET', `/betal/payments${query ? `?${query}` : ''}`);
      return { json: list, text: paymentListText(list) };
    },
  );
}
