import type { Clock } from '../clock.js';
import { holderOf } from '../domain/customer-flow.js';
import type { Payment } from '../domain/payment.js';
import type { CustomerService } from './customer.js';

/** What a test user of the crowd does with a payment request that reached their app. */
export const CROWD_ACTIONS = ['approve', 'reject', 'abandon', 'payLater'] as const;
/** One of {@link CROWD_ACTIONS}: `abandon` does nothing (the payment expires), `payLater` postpones it. */
export type CrowdAction = (typeof CROWD_ACTIONS)[number];

/** A rule of the crowd as given: shares of each action (any non-negative weights) and a think time. */
export interface CrowdRuleInput {
  /** One sales unit's payments; without it, every sales unit's (a rule for one MSN wins over it). */
  msn?: string;
  approve?: number;
  reject?: number;
  abandon?: number;
  payLater?: number;
  /** How long a user thinks before acting, in seconds on the platform clock: uniform in [min, max]. */
  thinkSeconds?: { min: number; max: number };
  /** The seed of the rule's random choices, so that a run repeats; default a random one. */
  seed?: number;
}

/** A rule as kept: shares normalized to fractions that add up to 1. */
export interface CrowdRule {
  scope: string;
  msn: string | null;
  shares: Record<CrowdAction, number>;
  thinkSeconds: { min: number; max: number };
  seed: number;
}

/** What the crowd did under a rule: payments that reached a user, and what came of them. */
export interface CrowdStats {
  reached: number;
  pending: number;
  approve: number;
  reject: number;
  abandon: number;
  payLater: number;
  /** Actions the platform refused (an underage user, a payment that ended first...). */
  failed: number;
  lastError: string | null;
}

/** The crowd as `GET /betal/crowd` shows it. */
export interface CrowdView {
  rules: Array<CrowdRule & { stats: CrowdStats }>;
}

/** A refusal of a crowd rule: the field and why (the API answers 400 naming it). */
export class CrowdRuleError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'CrowdRuleError';
  }
}

const ALL = '*';

/** mulberry32: a small, seeded generator of floats in [0, 1), so that a rule's choices repeat. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pending {
  msn: string;
  reference: string;
  token: string;
  phoneNumber: string;
  action: CrowdAction;
  /** Platform clock, epoch ms. */
  dueAt: number;
  scope: string;
}

interface Live {
  rule: CrowdRule;
  random: () => number;
  stats: CrowdStats;
}

/**
 * A crowd of customers (issue #13): test users that act by themselves. Under a rule (per MSN, or for all), each
 * payment that reaches a test user's app while CREATED (a landing page confirmed, or a PUSH_MESSAGE to their
 * phone) gets one action, chosen by the rule's shares with its seeded generator, after a think time drawn
 * uniformly from the rule's range on the platform clock: approve (with consent and the terms accepted), reject,
 * abandon (nothing: the payment expires), or pay later (long-living payments; else counted as failed). A frozen
 * clock acts when it is advanced. Pending actions are held in memory: they do not survive a restart.
 */
export class CrowdService {
  private readonly rules = new Map<string, Live>();
  private readonly pending = new Map<string, Pending>();
  private readonly seen = new Set<string>();
  private readonly unwatch: () => void;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly deps: {
      customer: CustomerService;
      clock: Clock;
      /** How often pending actions are looked at, in real ms (default 50). */
      tickMs?: number;
    },
  ) {
    this.unwatch = deps.customer.watch((payment) => this.noticed(payment));
  }

  /**
   * Sets the rule of a scope (its MSN, or every MSN), replacing the one before; answers it. Throws
   * CrowdRuleError for a negative or non-finite share, shares that add up to 0, or a think range that is
   * negative, above 1 day, or with max below min.
   */
  set(input: CrowdRuleInput): CrowdRule {
    const shares = {} as Record<CrowdAction, number>;
    let total = 0;
    for (const action of CROWD_ACTIONS) {
      const share = input[action] ?? 0;
      if (!Number.isFinite(share) || share < 0)
        throw new CrowdRuleError(action, 'Must be a number, 0 or more.');
      shares[action] = share;
      total += share;
    }
    if (total <= 0) throw new CrowdRuleError('approve', 'Give at least one share above 0.');
    for (const action of CROWD_ACTIONS) shares[action] = shares[action] / total;
    const think = input.thinkSeconds ?? { min: 3, max: 20 };
    if (!(think.min >= 0) || !(think.max >= think.min) || think.max > 86_400) {
      throw new CrowdRuleError('thinkSeconds', 'Must be {min, max} seconds with 0 <= min <= max <= 86400.');
    }
    const scope = input.msn ?? ALL;
    const seed = input.seed ?? Math.floor(Math.random() * 2 ** 32);
    const rule: CrowdRule = { scope, msn: input.msn ?? null, shares, thinkSeconds: { ...think }, seed };
    this.rules.set(scope, { rule, random: generator(seed), stats: emptyStats() });
    return rule;
  }

  /** Removes the rule of `msn` (or the one for all without it), or every rule with `all`; drops their pending. */
  clear(options: { msn?: string; all?: boolean } = {}): void {
    const scopes = options.all ? [...this.rules.keys()] : [options.msn ?? ALL];
    for (const scope of scopes) this.rules.delete(scope);
    for (const [key, p] of this.pending) if (!this.rules.has(p.scope)) this.pending.delete(key);
  }

  /** Drops the pending actions and what was seen (after a reset: those payments are gone); the rules stay. */
  forget(): void {
    this.pending.clear();
    this.seen.clear();
    for (const { stats } of this.rules.values()) stats.pending = 0;
  }

  /** The rules with what they did so far. */
  view(): CrowdView {
    return {
      rules: [...this.rules.values()].map(({ rule, stats }) => ({ ...rule, stats: { ...stats } })),
    };
  }

  /** Stops watching payments and acting. */
  close(): void {
    this.unwatch();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private noticed(payment: Payment): void {
    if (payment.state !== 'CREATED') return;
    const phoneNumber = holderOf(payment);
    if (phoneNumber === undefined) return;
    const live = this.rules.get(payment.msn) ?? this.rules.get(ALL);
    if (!live) return;
    const key = `${payment.msn}/${payment.reference}`;
    if (this.seen.has(key)) return;
    if (this.seen.size > 100_000) this.seen.clear();
    this.seen.add(key);
    const { rule, random, stats } = live;
    let pick = random();
    let action: CrowdAction = 'approve';
    for (const a of CROWD_ACTIONS) {
      if (rule.shares[a] <= 0) continue;
      action = a;
      if (pick < rule.shares[a]) break;
      pick -= rule.shares[a];
    }
    const { min, max } = rule.thinkSeconds;
    const think = (min + random() * (max - min)) * 1000;
    stats.reached += 1;
    stats.pending += 1;
    this.pending.set(key, {
      msn: payment.msn,
      reference: payment.reference,
      token: payment.token,
      phoneNumber,
      action,
      dueAt: this.deps.clock.now() + Math.round(think),
      scope: rule.scope,
    });
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.deps.tickMs ?? 50);
      this.timer.unref();
    }
  }

  /**
   * Performs the actions that are due on the platform clock now, soonest first, one at a time, and answers how
   * many it performed (refused ones included). The crowd's timer calls it; a test may call it to act at once.
   */
  async runDue(): Promise<number> {
    while (this.running) await new Promise((resolve) => setImmediate(resolve));
    return this.tick();
  }

  private async tick(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let performed = 0;
    try {
      const now = this.deps.clock.now();
      const due = [...this.pending.entries()]
        .filter(([, p]) => p.dueAt <= now)
        .sort(([, a], [, b]) => a.dueAt - b.dueAt);
      for (const [key, p] of due) {
        this.pending.delete(key);
        await this.act(p);
        performed += 1;
      }
      if (this.pending.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    } finally {
      this.running = false;
    }
    return performed;
  }

  private async act(p: Pending): Promise<void> {
    const stats = this.rules.get(p.scope)?.stats;
    if (stats) stats.pending -= 1;
    try {
      const { customer } = this.deps;
      if (p.action === 'approve')
        await customer.approve(p.phoneNumber, p.token, { consent: true, acceptTerms: true });
      else if (p.action === 'reject') await customer.reject(p.phoneNumber, p.token);
      else if (p.action === 'payLater') await customer.payLater(p.phoneNumber, p.token);
      if (stats) stats[p.action] += 1;
    } catch (error) {
      if (stats) {
        stats.failed += 1;
        stats.lastError = `${p.action} ${p.reference}: ${(error as Error).message}`;
      }
    }
  }
}

function emptyStats(): CrowdStats {
  return {
    reached: 0,
    pending: 0,
    approve: 0,
    reject: 0,
    abandon: 0,
    payLater: 0,
    failed: 0,
    lastError: null,
  };
}
