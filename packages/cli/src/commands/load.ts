import type { Command } from 'commander';
import { advanceClock, type ClockView } from './clock.js';
import { formatDuration, parseDuration } from './duration.js';
import { PlatformHttp, VerbError } from './http.js';
import { processIo, type Io } from './io.js';
import type { PaymentList } from './payments-list.js';
import { formatFields, formatTable } from './table.js';
import { verb, type Outcome } from './verb.js';

/** The reference merchant's flows `betal load` drives (packages/merchant/src/web). */
export const LOAD_FLOWS = ['push', 'link', 'shop'] as const;
/** One of {@link LOAD_FLOWS}. */
export type LoadFlow = (typeof LOAD_FLOWS)[number];

/** The merchant's default URL under `betal dev`. */
export const DEFAULT_MERCHANT_URL = 'http://127.0.0.1:3000';

/** What `betal load` is asked to do, in its own units. */
export interface LoadPlan {
  /** Flows started per second (open loop: at fixed times, whatever the answers). */
  rate: number;
  /** How long flows are started, in seconds. */
  durationSeconds: number;
  /** The flows and their weights (any non-negative numbers; normalized). */
  flows: Array<{ flow: LoadFlow; share: number }>;
  /** The reference merchant's base URL, without a trailing slash. */
  merchantUrl: string;
  /** At most this many flows under way at once; a flow due while the cap is reached is skipped and counted. */
  maxInFlight: number;
  /** How long one HTTP request may take before it counts as a timeout, in ms. */
  timeoutMs: number;
  /** The test users that pay (phone numbers); default the platform's users who can pay businesses. */
  users?: string[];
  /** After the run, move the platform clock forward this many seconds (dev mode: thinking customers act). */
  advanceSeconds: number;
  /**
   * After the run, wait up to this many real seconds for the run's payments to leave CREATED, or for the crowd to
   * have no action pending (`GET /betal/crowd`), whichever comes first.
   */
  settleSeconds: number;
}

/** What one flow of the report saw: counts, errors by kind and the merchant's latency in ms. */
export interface FlowReport {
  flow: LoadFlow | 'all';
  /** Flows due by the schedule. */
  scheduled: number;
  /** Flows started (scheduled less skipped). */
  sent: number;
  /** Flows skipped because `maxInFlight` flows were under way. */
  skipped: number;
  /** Flows whose merchant steps all answered as the merchant answers success (a 303 to the next step). */
  answered: number;
  /** Flows that failed, by kind: the merchant's HTTP status (`502`), `timeout`, `network ECONNRESET`, `landing 4xx`. */
  errors: Record<string, number>;
  /** The time the merchant took to answer the flow's requests (all its steps), ms; null when nothing answered. */
  latencyMs: { p50: number; p95: number; p99: number; max: number } | null;
}

/** The report of `betal load --json`. */
export interface LoadReport {
  merchantUrl: string;
  platformUrl: string;
  msn: string;
  /** The rate asked for and the one achieved (flows started per second of the sending window). */
  rate: { target: number; achieved: number };
  /** The sending window as planned and as it took, seconds. */
  durationSeconds: { planned: number; actual: number };
  /** Whether Ctrl-C (or the io's signal) stopped the run early. */
  stopped: boolean;
  flows: FlowReport[];
  total: FlowReport;
  /** The payments the platform has for the run's window (GET /betal/payments, platform clock). */
  payments: {
    since: string;
    until: string;
    total: number;
    byState: Record<string, number>;
    /** The clock moved forward after the run (seconds), and how long the settle wait took (real seconds). */
    advancedSeconds: number;
    settledSeconds: number;
  };
}

/** A merchant answer as one step of a flow sees it. */
interface Answer {
  status: number;
  location: string | null;
  cookie: string | null;
}

/** A flow step that did not answer as expected. */
class StepError extends Error {
  constructor(readonly kind: string) {
    super(kind);
  }
}

/** What one flow came to: its merchant time, ms, and the error kind if it failed. */
interface FlowResult {
  merchantMs: number;
  error?: string;
}

/** Nearest-rank percentile of sorted numbers. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function summarize(
  flow: FlowReport['flow'],
  scheduled: number,
  skipped: number,
  results: readonly FlowResult[],
): FlowReport {
  const errors: Record<string, number> = {};
  const times: number[] = [];
  for (const r of results) {
    if (r.error) errors[r.error] = (errors[r.error] ?? 0) + 1;
    else times.push(r.merchantMs);
  }
  times.sort((a, b) => a - b);
  return {
    flow,
    scheduled,
    sent: scheduled - skipped,
    skipped,
    answered: times.length,
    errors,
    latencyMs: times.length
      ? {
          p50: round(percentile(times, 50)),
          p95: round(percentile(times, 95)),
          p99: round(percentile(times, 99)),
          max: round(times[times.length - 1] as number),
        }
      : null,
  };
}

/**
 * Reads `--flows push,link:2,shop` (a flow with an optional weight after `:`, default 1) into weights.
 * Throws VerbError (exit 2) for an unknown flow, a bad weight, or weights that add up to 0.
 */
export function parseFlows(text: string): Array<{ flow: LoadFlow; share: number }> {
  const flows: Array<{ flow: LoadFlow; share: number }> = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const [name, weight = '1'] = part.split(/[:=]/) as [string, string?];
    if (!(LOAD_FLOWS as readonly string[]).includes(name)) {
      throw new VerbError(`--flows: no flow ${name}; the flows are ${LOAD_FLOWS.join(', ')}`, 2);
    }
    const share = Number(weight.replace(/%$/, ''));
    if (!Number.isFinite(share) || share < 0) {
      throw new VerbError(`--flows: the share of ${name} must be a number, 0 or more, not ${weight}`, 2);
    }
    flows.push({ flow: name as LoadFlow, share });
  }
  if (flows.reduce((s, f) => s + f.share, 0) <= 0) {
    throw new VerbError('--flows must name at least one flow with a share above 0, like push,link,shop', 2);
  }
  return flows;
}

/**
 * Picks the flows in the order of their shares, evenly spread and without chance (smooth weighted round robin):
 * `push:2,link:1` gives push, link, push, push, link, push...
 */
function flowPicker(flows: ReadonlyArray<{ flow: LoadFlow; share: number }>): () => LoadFlow {
  const live = flows.filter((f) => f.share > 0).map((f) => ({ ...f, current: 0 }));
  const total = live.reduce((s, f) => s + f.share, 0);
  return () => {
    let best = live[0]!;
    for (const f of live) {
      f.current += f.share;
      if (f.current > best.current) best = f;
    }
    best.current -= total;
    return best.flow;
  };
}

/** The reason a fetch got no answer, as an error kind: `timeout` or `network <code>`. */
function noAnswer(error: unknown): StepError {
  const e = error as { name?: string; cause?: { code?: string }; code?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new StepError('timeout');
  return new StepError(`network ${e.cause?.code ?? e.code ?? 'error'}`);
}

/**
 * The merchant and the platform's landing step over HTTP, as a customer's browser uses them: form posts, no
 * redirects followed, the merchant's time summed per flow.
 */
class Driver {
  constructor(
    readonly merchantUrl: string,
    readonly platformUrl: string,
    readonly timeoutMs: number,
  ) {}

  /** POSTs a form to the merchant; adds the time it took to `clock.ms`. Throws StepError when it did not answer. */
  async post(
    path: string,
    fields: Record<string, string>,
    clock: { ms: number },
    cookie?: string,
  ): Promise<Answer> {
    const started = performance.now();
    try {
      const res = await fetch(`${this.merchantUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(cookie ? { cookie } : {}),
        },
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.arrayBuffer();
      return {
        status: res.status,
        location: res.headers.get('location'),
        cookie: res.headers.get('set-cookie')?.split(';')[0] ?? null,
      };
    } catch (error) {
      throw noAnswer(error);
    } finally {
      clock.ms += performance.now() - started;
    }
  }

  /** A 303 with a Location, or StepError with the status. */
  static redirected(answer: Answer): string {
    if (answer.status !== 303 || !answer.location) throw new StepError(String(answer.status));
    return answer.location;
  }

  /** The customer types their number on the landing page of `redirectUrl` (`/app/api/landing/{token}/confirm`). */
  async confirmLanding(redirectUrl: string, phoneNumber: string): Promise<void> {
    const token = new URL(redirectUrl, this.platformUrl).searchParams.get('token');
    if (!token) throw new StepError('landing no token');
    try {
      const res = await fetch(`${this.platformUrl}/app/api/landing/${encodeURIComponent(token)}/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phoneNumber }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new StepError(`landing ${res.status}`);
    } catch (error) {
      if (error instanceof StepError) throw error;
      const kind = noAnswer(error).kind;
      throw new StepError(`landing ${kind}`);
    }
  }

  /** One flow, numbered `n`, paid by `phoneNumber`. */
  async run(flow: LoadFlow, n: number, phoneNumber: string): Promise<FlowResult> {
    const clock = { ms: 0 };
    const amount = `${100 + (n % 400)}.00`;
    try {
      if (flow === 'push') {
        Driver.redirected(
          await this.post(
            `/merchant/customers/${phoneNumber}/requests`,
            { amount, description: `Load test push ${n}` },
            clock,
          ),
        );
      } else if (flow === 'link') {
        const link = Driver.redirected(
          await this.post('/merchant/links', { amount, description: `Load test link ${n}` }, clock),
        );
        const id = /\/merchant\/links\/([^/?]+)/.exec(link)?.[1];
        if (!id) throw new StepError('303 elsewhere');
        const redirectUrl = Driver.redirected(await this.post(`/pay/${id}`, {}, clock));
        await this.confirmLanding(redirectUrl, phoneNumber);
      } else {
        const cart = await this.post('/shop/cart', { product: 'beanie', quantity: '1' }, clock);
        Driver.redirected(cart);
        const redirectUrl = Driver.redirected(
          await this.post('/shop/checkout', {}, clock, cart.cookie ?? undefined),
        );
        await this.confirmLanding(redirectUrl, phoneNumber);
      }
      return { merchantMs: clock.ms };
    } catch (error) {
      if (error instanceof StepError) return { merchantMs: clock.ms, error: error.kind };
      throw error;
    }
  }
}

/** Waits `ms` real milliseconds, or less when `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The merchant answers its health check, or VerbError naming how to start one. */
async function checkMerchant(url: string, timeoutMs: number): Promise<void> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`its /health answered ${res.status}`);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new VerbError(
      `No reference merchant at ${url} (${cause}): start one with \`npx betal dev\`, or give --merchant URL`,
      1,
      { merchantUrl: url, cause },
    );
  }
}

interface TestUserView {
  phoneNumber: string;
  canPayBusinesses: boolean;
  appInstalled: boolean;
  birthDate: string;
}

/** The test users who can pay a business at `now` (epoch ms): installed app, allowed, 15 or older. */
function payers(users: readonly TestUserView[], now: number): string[] {
  const fifteen = new Date(now);
  fifteen.setUTCFullYear(fifteen.getUTCFullYear() - 15);
  const latest = fifteen.toISOString().slice(0, 10);
  return users
    .filter((u) => u.canPayBusinesses && u.appInstalled && u.birthDate <= latest)
    .map((u) => u.phoneNumber);
}

/** Every payment of `msn` created in [since, until) on the platform, counted by state (GET /betal/payments). */
async function paymentsOf(
  http: PlatformHttp,
  msn: string,
  since: string,
  until: string,
): Promise<{ total: number; byState: Record<string, number> }> {
  const byState: Record<string, number> = {};
  let total = 0;
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ msn, since, until, limit: '100' });
    if (cursor) params.set('cursor', cursor);
    const page: PaymentList = await http.betal<PaymentList>('GET', `/betal/payments?${params}`);
    for (const p of page.payments) {
      total += 1;
      byState[p.state] = (byState[p.state] ?? 0) + 1;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { total, byState };
}

/**
 * Runs a load: checks that the merchant and the platform answer, makes the test users customers of the merchant
 * (for the push flow), starts `rate × durationSeconds` flows at fixed times (open loop), waits for those under
 * way, then optionally advances the platform clock and waits for the payments to leave CREATED, and counts the
 * payments of the MSN the platform has for the run's window on its clock. Throws VerbError when the merchant or
 * the platform is not running (NotRunningError) or no test user can pay.
 */
export async function runLoad(
  http: PlatformHttp,
  msn: string,
  plan: LoadPlan,
  signal?: AbortSignal,
  progress: (line: string) => void = () => undefined,
): Promise<LoadReport> {
  const platformUrl = http.options.url;
  const clockNow = async () => (await http.betal<ClockView>('GET', '/betal/clock')).now;
  const since = await clockNow();
  await checkMerchant(plan.merchantUrl, plan.timeoutMs);
  let users = plan.users;
  if (!users?.length) {
    const listed = await http.betal<{ users: TestUserView[] }>('GET', '/betal/users');
    users = payers(listed.users, Date.parse(since));
  }
  if (users.length === 0) throw new VerbError('No test user can pay: give --users 4712345678,...', 1);
  const driver = new Driver(plan.merchantUrl, platformUrl, plan.timeoutMs);
  if (plan.flows.some((f) => f.flow === 'push' && f.share > 0)) {
    for (const phoneNumber of users) {
      const answer = await driver.post(
        '/merchant/customers',
        { phoneNumber, name: `Load ${phoneNumber}`, consent: '1' },
        { ms: 0 },
      );
      if (answer.status !== 303) {
        throw new VerbError(`The merchant refused test user ${phoneNumber} as a customer (${answer.status})`);
      }
    }
  }

  const total = Math.max(0, Math.round(plan.rate * plan.durationSeconds));
  const pick = flowPicker(plan.flows);
  const results = new Map<LoadFlow, FlowResult[]>(LOAD_FLOWS.map((f) => [f, []]));
  const scheduled = new Map<LoadFlow, number>(LOAD_FLOWS.map((f) => [f, 0]));
  const skipped = new Map<LoadFlow, number>(LOAD_FLOWS.map((f) => [f, 0]));
  const underway = new Set<Promise<void>>();
  const interval = 1000 / plan.rate;
  progress(
    `Starting ${total} flows over ${formatDuration(plan.durationSeconds)} at ${plan.rate}/s against ${plan.merchantUrl}...`,
  );
  const start = performance.now();
  let n = 0;
  let lastStart = start;
  while (n < total && !signal?.aborted) {
    const now = performance.now();
    // Every flow whose time has come starts now, even when the timer was late: the schedule is fixed.
    while (n < total && start + n * interval <= now) {
      const flow = pick();
      scheduled.set(flow, (scheduled.get(flow) ?? 0) + 1);
      if (underway.size >= plan.maxInFlight) {
        skipped.set(flow, (skipped.get(flow) ?? 0) + 1);
      } else {
        const phoneNumber = users[n % users.length] as string;
        const p: Promise<void> = driver
          .run(flow, n, phoneNumber)
          .then((r) => void results.get(flow)!.push(r))
          .finally(() => underway.delete(p));
        underway.add(p);
        lastStart = now;
      }
      n += 1;
    }
    if (n < total) await pause(start + n * interval - performance.now(), signal);
  }
  const windowSeconds = Math.max((lastStart - start) / 1000 + 1 / plan.rate, 1e-9);
  await Promise.allSettled([...underway]);

  let advancedSeconds = 0;
  if (plan.advanceSeconds > 0) {
    await advanceClock(http, plan.advanceSeconds);
    advancedSeconds = plan.advanceSeconds;
  }
  const until = new Date(Date.parse(await clockNow()) + 1).toISOString();
  let counted = await paymentsOf(http, msn, since, until);
  const settleStart = performance.now();
  const settleEnd = settleStart + plan.settleSeconds * 1000;
  // Settled: no payment left CREATED, or none that a customer of the crowd is still to act on and no change
  // over one poll (the abandoned stay CREATED until they expire; an action just taken may still be under way).
  const crowdPending = async () => {
    const view = await http.betal<{ rules: Array<{ stats?: { pending?: number } }> }>('GET', '/betal/crowd');
    return view.rules.reduce((sum, r) => sum + (r.stats?.pending ?? 0), 0);
  };
  let stable = false;
  while (
    (counted.byState.CREATED ?? 0) > 0 &&
    performance.now() < settleEnd &&
    !signal?.aborted &&
    !(stable && (await crowdPending()) === 0)
  ) {
    await pause(Math.min(250, settleEnd - performance.now()), signal);
    const created = counted.byState.CREATED ?? 0;
    counted = await paymentsOf(http, msn, since, until);
    stable = (counted.byState.CREATED ?? 0) === created;
  }

  const flows = plan.flows
    .map((f) => f.flow)
    .filter((f, i, all) => all.indexOf(f) === i)
    .map((f) => summarize(f, scheduled.get(f) ?? 0, skipped.get(f) ?? 0, results.get(f) ?? []));
  const sent = flows.reduce((s, f) => s + f.sent, 0);
  return {
    merchantUrl: plan.merchantUrl,
    platformUrl,
    msn,
    rate: { target: plan.rate, achieved: round(sent / windowSeconds) },
    durationSeconds: { planned: plan.durationSeconds, actual: round(windowSeconds, 3) },
    stopped: signal?.aborted === true,
    flows,
    total: summarize(
      'all',
      n,
      [...skipped.values()].reduce((s, k) => s + k, 0),
      [...results.values()].flat(),
    ),
    payments: {
      since,
      until,
      ...counted,
      advancedSeconds,
      settledSeconds: round((performance.now() - settleStart) / 1000, 3),
    },
  };
}

/** The report as tables for people. */
export function loadText(report: LoadReport): string {
  const rows = [...report.flows, report.total].map((f) => [
    f.flow,
    f.scheduled,
    f.sent,
    f.skipped,
    f.answered,
    Object.values(f.errors).reduce((s, e) => s + e, 0),
    f.latencyMs?.p50,
    f.latencyMs?.p95,
    f.latencyMs?.p99,
    f.latencyMs?.max,
  ]);
  const errors = Object.entries(report.total.errors).sort(([, a], [, b]) => b - a);
  const states = Object.entries(report.payments.byState).sort(([, a], [, b]) => b - a);
  return [
    formatFields([
      ['merchant', report.merchantUrl],
      ['platform', `${report.platformUrl} (MSN ${report.msn})`],
      ['rate', `${report.rate.achieved}/s achieved of ${report.rate.target}/s`],
      [
        'duration',
        `${report.durationSeconds.actual}s of ${report.durationSeconds.planned}s${report.stopped ? ' (stopped)' : ''}`,
      ],
    ]),
    '',
    formatTable(
      ['FLOW', 'SCHEDULED', 'SENT', 'SKIPPED', 'ANSWERED', 'ERRORS', 'P50 MS', 'P95 MS', 'P99 MS', 'MAX MS'],
      rows,
    ),
    '',
    errors.length
      ? formatTable(
          ['ERROR', 'COUNT'],
          errors.map(([kind, count]) => [kind, count]),
        )
      : 'No errors.',
    '',
    `Payments on the platform created ${report.payments.since} to ${report.payments.until}` +
      (report.payments.advancedSeconds ? ` (clock advanced ${report.payments.advancedSeconds}s)` : '') +
      `: ${report.payments.total}`,
    states.length
      ? formatTable(
          ['STATE', 'COUNT'],
          states.map(([state, count]) => [state, count]),
        )
      : 'No payments.',
  ].join('\n');
}

interface LoadOptions {
  rate: string;
  duration: string;
  flows: string;
  merchant?: string;
  maxInFlight: string;
  timeout: string;
  users?: string;
  advance?: string;
  settle: string;
}

function positive(flag: string, text: string, whole = false): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (whole && !Number.isInteger(n))) {
    throw new VerbError(`${flag} must be a ${whole ? 'whole ' : ''}number above 0, not ${text}`, 2);
  }
  return n;
}

function seconds(flag: string, text: string): number {
  const s = parseDuration(text);
  if (s === undefined)
    throw new VerbError(`${flag} must be a duration like 30s, 2m or 1m30s, not ${text}`, 2);
  return s;
}

/**
 * Reads the options of `betal load` into a plan. Throws VerbError (exit 2) for a rate, duration, cap, timeout,
 * flow list or URL that cannot be used.
 */
export function loadPlan(opts: LoadOptions, env: NodeJS.ProcessEnv): LoadPlan {
  const rate = positive('--rate', opts.rate);
  if (rate > 10_000) throw new VerbError(`--rate must be at most 10000 per second, not ${opts.rate}`, 2);
  const durationSeconds = seconds('--duration', opts.duration);
  if (durationSeconds <= 0 || durationSeconds > 3600) {
    throw new VerbError(`--duration must be above 0 and at most 1h, not ${opts.duration}`, 2);
  }
  const merchantUrl = (opts.merchant ?? (env.BETAL_MERCHANT_URL || DEFAULT_MERCHANT_URL)).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(merchantUrl)) {
    throw new VerbError(`--merchant must be the merchant's http(s) URL, like ${DEFAULT_MERCHANT_URL}`, 2);
  }
  const users = opts.users
    ?.split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (users?.some((u) => !/^\d{8,15}$/.test(u))) {
    throw new VerbError(`--users must be phone numbers (digits, like 4712345678), not ${opts.users}`, 2);
  }
  return {
    rate,
    durationSeconds,
    flows: parseFlows(opts.flows),
    merchantUrl,
    maxInFlight: positive('--max-in-flight', opts.maxInFlight, true),
    timeoutMs: positive('--timeout', String(seconds('--timeout', opts.timeout))) * 1000,
    ...(users?.length ? { users } : {}),
    advanceSeconds: opts.advance === undefined ? 0 : seconds('--advance', opts.advance),
    settleSeconds: seconds('--settle', opts.settle),
  };
}

/**
 * `betal load`: drives the reference merchant's flows (push: a PUSH_MESSAGE request to a test user; link: a
 * payment link made and paid; shop: a cart checked out) at a fixed open-loop rate, and reports what it saw and
 * the payments' states on the platform (issue #13, item 5).
 */
export function registerLoad(program: Command, io: Io = processIo()): void {
  verb<LoadOptions>(
    program
      .command('load')
      .description(
        "drive the reference merchant's flows at a fixed rate (open loop) and report latency, errors and the payments' states",
      )
      .option('--rate <n>', 'flows started per second, at fixed times whatever the answers', '10')
      .option('--duration <time>', 'how long flows are started: 30s, 2m', '10s')
      .option(
        '--flows <list>',
        'the flows and their shares: push (PUSH_MESSAGE), link (payment link), shop (checkout); push:2,link,shop',
        'push,link,shop',
      )
      .option(
        '--merchant <url>',
        `the reference merchant (env BETAL_MERCHANT_URL, default ${DEFAULT_MERCHANT_URL})`,
      )
      .option('--max-in-flight <n>', 'at most this many flows under way; more are skipped and counted', '512')
      .option('--timeout <time>', 'one request that takes longer is a timeout', '10s')
      .option('--users <phones>', "test users who pay, comma-separated (default the platform's who can pay)")
      .option(
        '--advance <time>',
        'after the run, move the platform clock forward (dev mode), so that the crowd acts and payments expire',
      )
      .option(
        '--settle <time>',
        'after the run, wait up to this long for the crowd to act (until no payment is CREATED or none is pending)',
        '0s',
      ),
    io,
    [
      'betal load --rate 140 --duration 30s --settle 30s   # a 17 May peak: about 140 payments per second',
      'betal load --rate 20 --duration 1m --flows push:3,link,shop --max-in-flight 64 --json',
      'betal load --rate 50 --duration 10s --advance 1m --settle 5s   # a test clock: think times pass at once',
      '# customers who act by themselves, set first: betal crowd set --approve 90 --reject 5 --abandon 5',
    ].join('\n'),
    async ({ http, options, io: verbIo }, _args, opts): Promise<Outcome> => {
      const plan = loadPlan(opts, verbIo.env);
      const report = await runLoad(http, options.msn, plan, verbIo.signal, (line) => {
        if (!options.json) verbIo.err(`${line}\n`);
      });
      return { json: report, text: loadText(report) };
    },
  );
}
