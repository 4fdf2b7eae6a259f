import type { Command } from 'commander';
import { parseDuration } from './duration.js';
import { VerbError } from './http.js';
import { processIo, type Io } from './io.js';
import { formatTable } from './table.js';
import { verb, type Outcome } from './verb.js';

const ACTIONS = ['approve', 'reject', 'abandon', 'payLater'] as const;

/** A rule as `GET /betal/crowd` lists it, with what it did. */
interface CrowdRuleView {
  scope: string;
  msn: string | null;
  shares: Record<(typeof ACTIONS)[number], number>;
  thinkSeconds: { min: number; max: number };
  seed: number;
  stats?: Record<string, number | string | null>;
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

/** The rules as a table for people. */
export function crowdText(rules: readonly CrowdRuleView[]): string {
  if (rules.length === 0) return 'No crowd: test users act only when told (betal approve, the app).';
  return formatTable(
    [
      'MSN',
      'APPROVE',
      'REJECT',
      'ABANDON',
      'PAY LATER',
      'THINK',
      'SEED',
      'REACHED',
      'PENDING',
      'DONE',
      'FAILED',
    ],
    rules.map((r) => [
      r.msn ?? 'all',
      percent(r.shares.approve),
      percent(r.shares.reject),
      percent(r.shares.abandon),
      percent(r.shares.payLater),
      `${r.thinkSeconds.min}-${r.thinkSeconds.max}s`,
      r.seed,
      r.stats?.reached,
      r.stats?.pending,
      r.stats ? ACTIONS.map((a) => Number(r.stats?.[a] ?? 0)).reduce((x, y) => x + y, 0) : undefined,
      r.stats?.failed,
    ]),
  );
}

/** `--think 3s-20s` (or `5s`, `0-10`) as {min, max} seconds; VerbError (exit 2) otherwise. */
export function parseThink(text: string): { min: number; max: number } {
  const [a, b = a] = text.split('-') as [string, string?];
  const min = parseDuration(a);
  const max = parseDuration(b ?? a);
  if (min === undefined || max === undefined || max < min) {
    throw new VerbError(`--think must be a range like 3s-20s (or one duration), not ${text}`, 2);
  }
  return { min, max };
}

function share(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0)
    throw new VerbError(`${flag} must be a share like 90 or 90%, not ${text}`, 2);
  return n;
}

interface SetOptions {
  approve?: string;
  reject?: string;
  abandon?: string;
  payLater?: string;
  think: string;
  seed?: string;
  allMsns?: boolean;
}

/**
 * `betal crowd` (show the rules), `betal crowd set` (test users that act by themselves: shares of approve, reject,
 * abandon and pay later, a think time on the platform clock, per MSN or for all) and `betal crowd clear`
 * (`/betal/crowd`, admin outside dev mode).
 */
export function registerCrowd(program: Command, io: Io = processIo()): void {
  const crowd = program
    .command('crowd')
    .description('test users that approve, reject, abandon or pay later by themselves');
  verb(
    crowd
      .command('show', { isDefault: true })
      .description('show the crowd rules and what they did (the default)'),
    io,
    'betal crowd\nbetal crowd --json',
    async ({ http }): Promise<Outcome> => {
      const view = await http.betal<{ rules: CrowdRuleView[] }>('GET', '/betal/crowd');
      return { json: view, text: crowdText(view.rules) };
    },
  );
  verb<SetOptions>(
    crowd
      .command('set')
      .description(
        'set the crowd of the sales unit (--msn) or of all (--all-msns): who does what with a payment that reaches their app, after how long',
      )
      .option('--approve <share>', 'share who approve (90 or 90%)')
      .option('--reject <share>', 'share who reject')
      .option('--abandon <share>', 'share who do nothing (the payment expires)')
      .option('--pay-later <share>', 'share who pay later (long-living payments)')
      .option('--think <range>', 'think time on the platform clock, uniform: 3s-20s, 10s, 1m-5m', '3s-20s')
      .option('--seed <n>', 'seed of the random choices, so that a run repeats')
      .option('--all-msns', 'the rule for every sales unit (a rule for one MSN wins over it)'),
    io,
    [
      'betal crowd set --approve 90 --reject 5 --abandon 5 --think 3s-20s',
      'betal crowd set --all-msns --approve 80 --pay-later 20 --think 1m-5m --seed 42 --json',
    ].join('\n'),
    async ({ http, options }, _args, opts): Promise<Outcome> => {
      const body: Record<string, unknown> = { thinkSeconds: parseThink(opts.think) };
      if (!opts.allMsns) body.msn = options.msn;
      for (const [action, flag, text] of [
        ['approve', '--approve', opts.approve],
        ['reject', '--reject', opts.reject],
        ['abandon', '--abandon', opts.abandon],
        ['payLater', '--pay-later', opts.payLater],
      ] as const) {
        const value = share(flag, text);
        if (value !== undefined) body[action] = value;
      }
      if (ACTIONS.every((a) => body[a] === undefined)) {
        throw new VerbError('give at least one share: --approve, --reject, --abandon or --pay-later', 2);
      }
      if (opts.seed !== undefined) {
        const seed = Number(opts.seed);
        if (!Number.isInteger(seed) || seed < 0)
          throw new VerbError(`--seed must be a whole number, not ${opts.seed}`, 2);
        body.seed = seed;
      }
      const rule = await http.betal<CrowdRuleView>('POST', '/betal/crowd', body);
      return { json: rule, text: crowdText([rule]) };
    },
  );
  verb<{ allMsns?: boolean }>(
    crowd
      .command('clear')
      .description('remove the crowd rule of the sales unit (--msn), or every rule with --all-msns')
      .option('--all-msns', 'every rule'),
    io,
    'betal crowd clear\nbetal crowd clear --all-msns',
    async ({ http, options }, _args, opts): Promise<Outcome> => {
      const query = opts.allMsns ? '' : `?msn=${encodeURIComponent(options.msn)}`;
      await http.betal('DELETE', `/betal/crowd${query}`);
      const view = await http.betal<{ rules: CrowdRuleView[] }>('GET', '/betal/crowd');
      return { json: view, text: crowdText(view.rules) };
    },
  );
}
