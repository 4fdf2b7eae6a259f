import { Command } from 'commander';
import { checkWebhookReceiver, type WebhookCheckReport } from '@betal/platform';
import { parseDuration } from './duration.js';
import { PlatformHttp, VerbError } from './http.js';
import { processIo, type Io } from './io.js';
import { resolveGlobalOptions } from './options.js';
import { formatTable } from './table.js';

interface CheckOptions {
  url?: string;
  secret?: string;
  msn?: string;
  reference?: string;
  currency?: string;
  amount?: string;
  timeout: string;
  platform?: string;
  adminToken?: string;
  json?: boolean;
}

/** The report as a table for people, with a last line that counts the passes. */
export function checkText(report: WebhookCheckReport): string {
  const table = formatTable(
    ['CASE', 'EXPECTED', 'ANSWER', 'TIME', 'RESULT', 'WHY'],
    report.cases.map((c) => [
      c.id,
      c.expected,
      c.status ?? c.error,
      `${Math.round(c.latencyMs)} ms`,
      c.pass ? 'pass' : 'FAIL',
      c.reason,
    ]),
  );
  const passed = report.cases.filter((c) => c.pass).length;
  return [
    `Webhook receiver check of ${report.url} (MSN ${report.msn}, reference ${report.reference})`,
    '',
    table,
    '',
    `${passed} of ${report.cases.length} cases passed${report.passed ? '.' : ': the receiver does not meet the webhook rules.'}`,
  ].join('\n');
}

/** Reads the options into the check's input, or throws VerbError with exit status 2. */
function input(opts: CheckOptions) {
  if (!opts.url) throw new VerbError("--url is required: the receiver's URL as registered", 2);
  if (!opts.secret) throw new VerbError("--secret is required: the registration's secret", 2);
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    throw new VerbError(`--url must be an absolute http(s) URL, not ${opts.url}`, 2);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new VerbError(`--url must be an http(s) URL, not ${opts.url}`, 2);
  }
  const currency = opts.currency?.toUpperCase();
  if (currency !== undefined && currency !== 'NOK' && currency !== 'DKK' && currency !== 'EUR') {
    throw new VerbError(`--currency must be NOK, DKK or EUR, not ${opts.currency}`, 2);
  }
  const amount = opts.amount === undefined ? undefined : Number(opts.amount);
  if (amount !== undefined && !(Number.isSafeInteger(amount) && amount > 0)) {
    throw new VerbError(
      `--amount must be a whole number of minor units (1000 is 10.00), not ${opts.amount}`,
      2,
    );
  }
  return {
    url: url.href,
    secret: opts.secret,
    ...(opts.msn ? { msn: opts.msn } : {}),
    ...(opts.reference ? { reference: opts.reference } : {}),
    ...(currency ? { currency: currency as 'NOK' | 'DKK' | 'EUR' } : {}),
    ...(amount !== undefined ? { amount } : {}),
  };
}

/**
 * `betal check webhooks --url URL --secret SECRET`: sends the scripted suite of the webhook receiver check
 * (platform services/webhook-check.ts) to a merchant's receiver, from this process, or with `--platform URL` from
 * a running platform (`POST /betal/check/webhooks`). Prints the cases as a table (or `--json`, the report) and
 * exits 0 when every case passed, 1 when one failed or the platform could not be reached, 2 for bad options.
 */
export function registerCheck(program: Command, io: Io = processIo()): void {
  const check = program.command('check').description("check a merchant's integration");
  check
    .command('webhooks')
    .description(
      'check a webhook receiver: valid, duplicate, out-of-order, stale, forged, tampered, wrong-Host and unknown-payment deliveries, signed as the platform signs',
    )
    .option('--url <url>', "the receiver's URL, exactly as registered (its path, query and host are signed)")
    .option('--secret <secret>', "the registration's secret (env VIPPS_WEBHOOK_SECRET)")
    .option('--msn <msn>', 'the MSN the events name (default 123456)')
    .option(
      '--reference <reference>',
      'a payment the receiver knows, for the valid cases (default: a made-up one)',
    )
    .option('--currency <currency>', "the events' currency: NOK, DKK or EUR (default NOK)")
    .option('--amount <minor>', "the events' amount in minor units (default 1000)")
    .option(
      '--timeout <duration>',
      'how long each answer may take when sent from here (the rules: 10 s)',
      '10s',
    )
    .option(
      '--platform <url>',
      'send the suite from this running platform (POST /betal/check/webhooks) instead of from here',
    )
    .option('--admin-token <token>', 'admin token for --platform outside dev mode (env BETAL_ADMIN_TOKEN)')
    .option('--json', 'print the report as one JSON document')
    .addHelpText(
      'after',
      [
        '',
        'Example:',
        '  betal check webhooks --url http://127.0.0.1:3000/webhooks/vipps --secret "$VIPPS_WEBHOOK_SECRET"',
        '  betal check webhooks --url https://shop.example/hooks --secret "$S" --reference order-1001 --json',
        '  betal check webhooks --url http://shop:3000/hooks --secret "$S" --platform http://betal:8080',
        '',
        'Exit status: 0 when every case passed, 1 when one failed, 2 for bad options.',
        '',
      ].join('\n'),
    )
    .action(async (opts: CheckOptions) => {
      const json = opts.json === true;
      try {
        const given = input({ ...opts, secret: opts.secret ?? io.env.VIPPS_WEBHOOK_SECRET });
        const seconds = parseDuration(opts.timeout);
        if (seconds === undefined || seconds <= 0) {
          throw new VerbError(`--timeout must be a duration like 10s, not ${opts.timeout}`, 2);
        }
        let report: WebhookCheckReport;
        if (opts.platform !== undefined) {
          if (!/^https?:\/\/[^/]/.test(opts.platform)) {
            throw new VerbError(`--platform must be the platform's http(s) URL, not ${opts.platform}`, 2);
          }
          const options = resolveGlobalOptions(
            { url: opts.platform, adminToken: opts.adminToken, json },
            io.env,
          );
          report = await new PlatformHttp(options).betal<WebhookCheckReport>(
            'POST',
            '/betal/check/webhooks',
            given,
          );
        } else {
          report = await checkWebhookReceiver(given, { timeoutMs: seconds * 1000 });
        }
        io.out(json ? `${JSON.stringify(report, null, 2)}\n` : `${checkText(report)}\n`);
        if (!report.passed) io.setExitCode(1);
      } catch (caught) {
        const error =
          caught instanceof VerbError
            ? caught
            : new VerbError(`unexpected error: ${(caught as Error).message}`);
        if (json)
          io.out(`${JSON.stringify({ error: { message: error.message, ...error.details } }, null, 2)}\n`);
        io.err(`betal check webhooks: ${error.message}\n`);
        io.setExitCode(error.exitCode);
      }
    });
}
