import { Command } from 'commander';
import { parseDuration } from './duration.js';
import { VerbError, type PlatformHttp } from './http.js';
import { processIo, type Io } from './io.js';
import { formatFields, formatTable } from './table.js';
import { verb, type Outcome } from './verb.js';

/** One delivery of the delivery log (`GET /betal/deliveries/{id}`), the fields shown. */
export interface DeliveryView {
  id: string;
  webhookId: string;
  eventType: string;
  msn: string;
  reference: string;
  status: string;
  createdAt: string;
  nextAttemptAt: string | null;
  payload: unknown;
  attempts: Array<{
    attempt: number;
    at: string;
    statusCode: number | null;
    latencyMs: number;
    error: string | null;
    manual: boolean;
  }>;
}

interface RegistrationView {
  id: string;
  url: string;
  msn: string;
  deletedAt: string | null;
}

/** One line of `webhooks tail`: time of the latest attempt (or creation), id, event, reference, status. */
export function deliveryLine(d: DeliveryView): string[] {
  const last = d.attempts[d.attempts.length - 1];
  const answer = last
    ? last.statusCode === null
      ? (last.error ?? 'no answer')
      : `HTTP ${last.statusCode}`
    : '';
  return [last?.at ?? d.createdAt, d.id, d.eventType, d.reference, d.status, `${d.attempts.length}`, answer];
}

const LINE_HEADERS = ['TIME', 'DELIVERY', 'EVENT', 'REFERENCE', 'STATUS', 'ATTEMPTS', 'LAST ANSWER'];
/** Column widths of `webhooks tail`, fixed since its lines come one at a time (a longer cell just pushes on). */
const LINE_WIDTHS = [24, 8, 34, 20, 10, 8, 0];

/** A line of `webhooks tail` in its fixed columns. */
export function tailLine(cells: readonly string[]): string {
  return cells
    .map((c, i) => c.padEnd(LINE_WIDTHS[i] ?? 0))
    .join('  ')
    .trimEnd();
}

/** The deliveries of the sales unit's registrations (the delivery log, newest first per registration). */
async function deliveries(http: PlatformHttp, limit: number): Promise<DeliveryView[]> {
  const { webhooks } = await http.betal<{ webhooks: RegistrationView[] }>('GET', '/betal/webhooks');
  const all: DeliveryView[] = [];
  for (const hook of webhooks.filter((w) => w.msn === http.options.msn && w.deletedAt === null)) {
    const log = await http.betal<{ deliveries: DeliveryView[] }>(
      'GET',
      `/betal/webhooks/${encodeURIComponent(hook.id)}/deliveries?limit=${limit}`,
    );
    all.push(...log.deliveries);
  }
  return all.sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Polls the delivery log of the sales unit's webhooks and prints each delivery when it appears and again when
 * its status or number of attempts changes, until `io.signal` aborts (Ctrl-C) or `count` lines are printed.
 * Deliveries that exist at start are skipped unless `all`. With `--json`, one JSON line (the delivery) each.
 */
export async function tail(
  http: PlatformHttp,
  io: Io,
  options: { intervalMs: number; count?: number; all: boolean },
): Promise<number> {
  const seen = new Map<string, string>();
  const key = (d: DeliveryView) => `${d.status}/${d.attempts.length}`;
  let printed = 0;
  let first = true;
  if (!http.options.json) io.out(`${tailLine(LINE_HEADERS)}\n`);
  while (!io.signal?.aborted) {
    for (const d of await deliveries(http, 100)) {
      if (seen.get(d.id) === key(d)) continue;
      seen.set(d.id, key(d));
      if (first && !options.all) continue;
      io.out(http.options.json ? `${JSON.stringify(d)}\n` : `${tailLine(deliveryLine(d))}\n`);
      if (options.count !== undefined && ++printed >= options.count) return printed;
    }
    first = false;
    await sleep(options.intervalMs, io.signal);
  }
  return printed;
}

function deliveryOutcome(d: DeliveryView): Outcome {
  const fields = formatFields([
    ['delivery', d.id],
    ['webhook', d.webhookId],
    ['event', d.eventType],
    ['reference', d.reference],
    ['status', d.status],
    ['next attempt', d.nextAttemptAt ?? undefined],
  ]);
  const attempts = formatTable(
    ['ATTEMPT', 'AT', 'STATUS', 'LATENCY', 'ERROR', 'BY HAND'],
    d.attempts.map((a) => [
      a.attempt,
      a.at,
      a.statusCode,
      `${a.latencyMs.toFixed(1)} ms`,
      a.error,
      a.manual ? 'yes' : '',
    ]),
  );
  return { json: d, text: `${fields}\n\n${attempts}` };
}

/** `betal webhooks list|tail|resend`: registrations (Webhooks API), the delivery log, and redelivery. */
export function registerWebhooks(program: Command, io: Io = processIo()): void {
  const webhooks = program
    .command('webhooks')
    .description("the sales unit's webhooks and their delivery log");
  verb(
    webhooks.command('list').description("list the sales unit's webhook registrations (Webhooks API)"),
    io,
    'betal webhooks list\nbetal webhooks list --msn 654321 --json',
    async ({ http }) => {
      const answer = await http.vipps<{ webhooks: Array<{ id: string; url: string; events: string[] }> }>(
        'GET',
        '/webhooks/v1/webhooks',
      );
      return {
        json: answer,
        text: answer.webhooks.length
          ? formatTable(
              ['ID', 'URL', 'EVENTS'],
              answer.webhooks.map((w) => [w.id, w.url, w.events.join(',')]),
            )
          : 'No webhooks are registered.',
      };
    },
  );
  verb<{ interval: string; count?: string; all?: boolean }>(
    webhooks
      .command('tail')
      .description('print new deliveries of the delivery log as they happen, until Ctrl-C (admin)')
      .option('--interval <duration>', 'how often to poll (0.5s, 1s, 5s, …)', '1s')
      .option('--count <n>', 'stop after printing this many deliveries')
      .option('--all', 'print the deliveries already in the log first'),
    io,
    'betal webhooks tail\nbetal webhooks tail --json --count 1    # one JSON line per delivery',
    async ({ http }, _args, opts) => {
      const seconds = parseDuration(opts.interval);
      if (seconds === undefined || seconds <= 0) {
        throw new VerbError(`--interval must be a duration like 1s or 5s, not ${opts.interval}`, 2);
      }
      const count = opts.count === undefined ? undefined : Number(opts.count);
      if (count !== undefined && !(Number.isInteger(count) && count > 0)) {
        throw new VerbError(`--count must be a whole number above 0, not ${opts.count}`, 2);
      }
      await tail(http, io, {
        intervalMs: seconds * 1000,
        all: opts.all === true,
        ...(count !== undefined ? { count } : {}),
      });
      return undefined;
    },
  );
  verb(
    webhooks
      .command('resend <deliveryId>')
      .description('send a delivery again now, by hand (admin): the delivery with its attempts'),
    io,
    'betal webhooks resend 42',
    async ({ http }, [id]) =>
      deliveryOutcome(
        await http.betal<DeliveryView>(
          'POST',
          `/betal/deliveries/${encodeURIComponent(id as string)}/redeliver`,
        ),
      ),
  );
}
