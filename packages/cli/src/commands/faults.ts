import { Command } from 'commander';
import { parseDuration } from './duration.js';
import { VerbError } from './http.js';
import { processIo, type Io } from './io.js';
import { formatFields, formatTable } from './table.js';
import { verb, type Outcome } from './verb.js';

/** A fault rule as `/betal/faults` answers it (the fields shown). */
export interface FaultView {
  id: string;
  on: 'request' | 'webhook';
  match: Record<string, string>;
  action: { type: string; [field: string]: unknown };
  times: number | null;
  probability: number | null;
  seed: number | null;
  expiresAt: string | null;
  matched: number;
  firedCount: number;
  active: boolean;
  fired: Array<{ at: string; target: string }>;
}

/** The flags of `betal faults add`, as commander reads them. */
export interface FaultFlags {
  webhook?: boolean;
  api?: string;
  operation?: string;
  method?: string;
  path?: string;
  matchMsn?: string;
  reference?: string;
  event?: string;
  receiver?: string;
  status?: string;
  code?: string;
  detail?: string;
  retryAfter?: string;
  delay?: string;
  reset?: boolean;
  hang?: boolean;
  loseAnswer?: boolean;
  drop?: boolean;
  duplicate?: boolean;
  reorder?: boolean;
  times?: string;
  probability?: string;
  seed?: string;
  expiresIn?: string;
}

function integer(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new VerbError(`${flag} must be a whole number, not ${text}`, 2);
  return Number(text);
}

/**
 * The body of `POST /betal/faults` from the flags: exactly one action (`--status`/`--code`, `--delay`, `--reset`,
 * `--hang`, `--lose-answer`; with `--webhook`: `--drop`, `--duplicate`, `--reorder`, `--delay`). Throws VerbError
 * (exit 2) for no action, two actions or a bad number.
 */
export function faultBody(f: FaultFlags): Record<string, unknown> {
  const on = f.webhook ? 'webhook' : 'request';
  const actions: Array<Record<string, unknown>> = [];
  if (f.status !== undefined || f.code !== undefined) {
    actions.push({
      type: 'status',
      ...(f.status !== undefined ? { status: integer('--status', f.status) } : {}),
      ...(f.code !== undefined ? { code: integer('--code', f.code) } : {}),
      ...(f.detail !== undefined ? { detail: f.detail } : {}),
      ...(f.retryAfter !== undefined ? { retryAfterSeconds: integer('--retry-after', f.retryAfter) } : {}),
    });
  }
  if (f.delay !== undefined && !f.reorder) actions.push({ type: 'delay', ms: integer('--delay', f.delay) });
  if (f.reset) actions.push({ type: 'reset' });
  if (f.hang) actions.push({ type: 'hang' });
  if (f.loseAnswer) actions.push({ type: 'lose-answer' });
  if (f.drop) actions.push({ type: 'drop' });
  if (f.duplicate) actions.push({ type: 'duplicate' });
  if (f.reorder) {
    actions.push({ type: 'reorder', ...(f.delay !== undefined ? { ms: integer('--delay', f.delay) } : {}) });
  }
  if (actions.length !== 1) {
    throw new VerbError(
      `give exactly one action: --status/--code, --delay, --reset, --hang or --lose-answer (with --webhook: --drop, --duplicate, --reorder or --delay); got ${actions.length}`,
      2,
    );
  }
  const match = Object.fromEntries(
    (
      [
        ['api', f.api],
        ['operation', f.operation],
        ['method', f.method],
        ['path', f.path],
        ['msn', f.matchMsn],
        ['reference', f.reference],
        ['event', f.event],
        ['url', f.receiver],
      ] as const
    ).filter(([, v]) => v !== undefined),
  );
  let expiresInSeconds: number | undefined;
  if (f.expiresIn !== undefined) {
    expiresInSeconds = parseDuration(f.expiresIn);
    if (expiresInSeconds === undefined || expiresInSeconds <= 0) {
      throw new VerbError(`--expires-in must be like 90s, 10m or 2h, not ${f.expiresIn}`, 2);
    }
  }
  let probability: number | undefined;
  if (f.probability !== undefined) {
    probability = Number(f.probability);
    if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(f.probability)) {
      throw new VerbError(`--probability must be between 0 and 1, like 0.25, not ${f.probability}`, 2);
    }
  }
  return {
    on,
    ...(Object.keys(match).length > 0 ? { match } : {}),
    action: actions[0],
    ...(f.times !== undefined ? { times: integer('--times', f.times) } : {}),
    ...(probability !== undefined ? { probability } : {}),
    ...(f.seed !== undefined ? { seed: integer('--seed', f.seed) } : {}),
    ...(expiresInSeconds !== undefined ? { expiresInSeconds } : {}),
  };
}

/** `status 423 code 6160`, `delay 500ms`, `drop`: an action for people. */
export function describeAction(action: FaultView['action']): string {
  switch (action.type) {
    case 'status':
      return [
        'status',
        action.status,
        action.code !== undefined ? `code ${String(action.code)}` : undefined,
        action.retryAfterSeconds !== undefined
          ? `retry-after ${String(action.retryAfterSeconds)}s`
          : undefined,
      ]
        .filter((p) => p !== undefined)
        .join(' ');
    case 'delay':
      return `delay ${String(action.ms)}ms`;
    default:
      return action.type;
  }
}

function describeMatch(match: Record<string, string>): string {
  const parts = Object.entries(match).map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? parts.join(' ') : 'everything';
}

function ruleOutcome(rule: FaultView): Outcome {
  return {
    json: rule,
    text: formatFields([
      ['fault', `${rule.id} added`],
      ['on', rule.on],
      ['match', describeMatch(rule.match)],
      ['action', describeAction(rule.action)],
      ['times', rule.times ?? 'every match'],
      ['probability', rule.probability === null ? undefined : `${rule.probability} (seed ${rule.seed ?? 1})`],
      ['expires', rule.expiresAt ?? undefined],
    ]),
  };
}

/** `betal faults add|list|clear`: fault rules on purpose (`/betal/faults`, admin outside dev mode). */
export function registerFaults(program: Command, io: Io = processIo()): void {
  const faults = program.command('faults').description('make the unhappy paths happen on purpose');
  verb(
    faults
      .command('add')
      .description('add a fault rule: what it matches, what it does, how often')
      .option('--webhook', 'act on webhook deliveries instead of requests')
      .option('--api <api>', 'match: epayment, accesstoken, webhooks, order-management, userinfo')
      .option('--operation <op>', 'match: create, get, events, capture, refund, cancel, approve, token')
      .option('--method <method>', 'match: GET, POST, ...')
      .option('--path <pattern>', 'match: the path, * for any characters')
      .option('--match-msn <msn>', 'match: the Merchant-Serial-Number')
      .option('--reference <reference>', "match: the payment's reference")
      .option('--event <event>', 'match (webhook): the event, e.g. captured')
      .option('--receiver <pattern>', "match (webhook): the receiver's URL, * for any characters")
      .option('--status <status>', 'action: answer this HTTP status (400-599)')
      .option('--code <code>', 'action: answer this ePayment error code, e.g. 6160 (423 Order processing)')
      .option('--detail <text>', 'with --status/--code: the Problem detail')
      .option('--retry-after <seconds>', 'with --status/--code: the Retry-After header')
      .option(
        '--delay <ms>',
        'action: wait this many ms, then go on (with --reorder: hold at most this long)',
      )
      .option('--reset', 'action: reset the connection')
      .option('--hang', 'action: never answer')
      .option('--lose-answer', 'action: apply the change, then drop the connection (the ambiguous capture)')
      .option('--drop', 'action (webhook): never send the delivery')
      .option('--duplicate', 'action (webhook): send the delivery twice')
      .option('--reorder', "action (webhook): send it after the payment's next event")
      .option('--times <n>', 'fire the next n matches only')
      .option('--probability <p>', 'fire with this probability (0 to 1)')
      .option('--seed <n>', 'seed of the probability draws, so runs repeat (default 1)')
      .option('--expires-in <duration>', 'stop after this long on the platform clock: 90s, 10m, 2h'),
    io,
    [
      'betal faults add --operation capture --code 6160 --times 1',
      'betal faults add --operation get --status 429 --retry-after 30',
      'betal faults add --operation capture --reference order-42 --lose-answer',
      'betal faults add --api epayment --status 503 --probability 0.1 --seed 7 --expires-in 10m',
      'betal faults add --webhook --event captured --duplicate',
    ].join('\n'),
    async ({ http }, _args, flags: FaultFlags) =>
      ruleOutcome(await http.betal<FaultView>('POST', '/betal/faults', faultBody(flags))),
  );
  verb(
    faults.command('list').description('list the fault rules with how often they fired'),
    io,
    'betal faults list\nbetal faults list --json',
    async ({ http }) => {
      const answer = await http.betal<{ faults: FaultView[] }>('GET', '/betal/faults');
      return {
        json: answer,
        text:
          answer.faults.length === 0
            ? 'No fault rules. Add one with `betal faults add`.'
            : formatTable(
                ['ID', 'ON', 'MATCH', 'ACTION', 'FIRED', 'MATCHED', 'TIMES', 'ACTIVE', 'EXPIRES'],
                answer.faults.map((r) => [
                  r.id,
                  r.on,
                  describeMatch(r.match),
                  describeAction(r.action),
                  r.firedCount,
                  r.matched,
                  r.times ?? 'all',
                  r.active ? 'yes' : 'no',
                  r.expiresAt,
                ]),
              ),
      };
    },
  );
  verb(
    faults.command('clear [id]').description('remove one fault rule, or all of them'),
    io,
    'betal faults clear\nbetal faults clear fault-3',
    async ({ http }, [id]) => {
      await http.betal('DELETE', id ? `/betal/faults/${encodeURIComponent(id)}` : '/betal/faults');
      return {
        json: { cleared: id ?? 'all' },
        text: id ? `fault rule ${id} removed` : 'every fault rule removed',
      };
    },
  );
}
