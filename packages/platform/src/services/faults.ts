import { EPAYMENT_ERRORS, standardDetail, type EPaymentErrorCode } from '@betal/contract';
import type { Clock } from '../clock.js';
import { ApiError } from '../kernel/errors.js';

/**
 * Faults on purpose (issue #13 item 3): rules that make the unhappy paths happen, in dev mode and for the admin.
 * A rule says what it matches, what it does and how often. HTTP rules (`on: 'request'`) act on requests to the
 * Vipps APIs (never on `/betal`); webhook rules (`on: 'webhook'`) act on deliveries. Every time a rule fires it
 * is counted, noted in its `fired` list (the last {@link FIRED_KEPT}) and logged with the rule's id.
 */

/** What a request rule matches; every given field must match. */
export interface RequestMatch {
  /** `epayment`, `accesstoken`, `webhooks`, `order-management` or `userinfo`. */
  api?: string;
  /**
   * The operation: `create`, `get`, `events`, `capture`, `refund`, `cancel`, `approve` (the test approve), `token`
   * (access token), and for other APIs `create`, `list`, `get`, `delete` or the path's last word.
   */
  operation?: string;
  /** `GET`, `POST`, ... (any case). */
  method?: string;
  /** The path, `*` standing for any characters (`/epayment/v1/payments/*\/capture`); case-insensitive. */
  path?: string;
  /** The `Merchant-Serial-Number` header. */
  msn?: string;
  /** The payment's reference: the path's `{reference}` or the create body's `reference`. */
  reference?: string;
}

/** What a webhook rule matches; every given field must match. */
export interface WebhookMatch {
  msn?: string;
  reference?: string;
  /** The event type, in full (`epayments.payment.captured.v1`) or its short name (`captured`). */
  event?: string;
  /** The receiver's URL, `*` standing for any characters. */
  url?: string;
}

/** What a request rule does. */
export type RequestAction =
  /**
   * Answer `status` (default: the code's) in the API's own error shape; with an ePayment `code` its title and
   * standard detail (e.g. 6160 → 423 "Order processing"); `retryAfterSeconds` sets `Retry-After` (429, 503).
   * The request is not handled.
   */
  | { type: 'status'; status?: number; code?: number; detail?: string; retryAfterSeconds?: number }
  /** Wait `ms` (real time) before handling the request as usual. */
  | { type: 'delay'; ms: number }
  /** Reset the connection (TCP RST) without handling the request. */
  | { type: 'reset' }
  /** Never answer: the connection stays open until the client gives up or the server's idle timeout cuts it. */
  | { type: 'hang' }
  /** Handle the request (the change is stored), then destroy the connection instead of answering. */
  | { type: 'lose-answer' };

/** What a webhook rule does to a delivery. */
export type WebhookAction =
  /** Never send it; it is recorded as delivered (the receiver never hears of it). */
  | { type: 'drop' }
  /** Send it twice. */
  | { type: 'duplicate' }
  /** Send it after the next delivery of the same payment to the same receiver (or after `ms`, default 2 000). */
  | { type: 'reorder'; ms?: number }
  /** Wait `ms` (real time) before sending it. */
  | { type: 'delay'; ms: number };

/** `POST /betal/faults`: a rule to add. */
export interface NewFaultRule {
  /** `request` (default) or `webhook`. */
  on?: 'request' | 'webhook';
  match?: RequestMatch & WebhookMatch;
  action: RequestAction | WebhookAction;
  /** Fire the next N times it matches, then no more (default: every time). */
  times?: number;
  /** Fire with this probability (0 to 1) on each match, drawn from a PRNG seeded by `seed` (default 1). */
  probability?: number;
  seed?: number;
  /** Stop firing this many seconds from now on the platform clock. */
  expiresInSeconds?: number;
  /** Stop firing at this time (ISO 8601, platform clock). */
  expiresAt?: string;
}

/** One time a rule fired: when (ISO, platform clock) and on what. */
export interface FiredNote {
  at: string;
  /** `POST /epayment/v1/payments/order-1/capture`, or `webhook <event> → <url>`. */
  target: string;
  msn?: string;
  reference?: string;
}

/** A rule as listed by `GET /betal/faults`. */
export interface FaultRuleView {
  id: string;
  on: 'request' | 'webhook';
  match: RequestMatch & WebhookMatch;
  action: RequestAction | WebhookAction;
  times: number | null;
  probability: number | null;
  seed: number | null;
  createdAt: string;
  expiresAt: string | null;
  /** How often it matched, and how often of those it fired. */
  matched: number;
  firedCount: number;
  /** False once `times` is used up or it has expired. */
  active: boolean;
  /** The last times it fired, newest last. */
  fired: FiredNote[];
}

/** The most fired notes a rule keeps. */
export const FIRED_KEPT = 100;
/** The longest delay a rule may add, in ms. */
export const MAX_DELAY_MS = 600_000;

/** What a request is, for matching. */
export interface RequestFacts {
  api: string;
  operation: string | undefined;
  method: string;
  path: string;
  msn: string | undefined;
  reference: string | undefined;
}

/** What a delivery is, for matching. */
export interface DeliveryFacts {
  msn: string;
  reference: string;
  eventType: string;
  url: string;
}

/** A rule that fired, and what to do. */
export interface Fired<A> {
  ruleId: string;
  action: A;
}

interface Rule {
  id: string;
  on: 'request' | 'webhook';
  match: RequestMatch & WebhookMatch;
  action: RequestAction | WebhookAction;
  times: number | undefined;
  probability: number | undefined;
  seed: number | undefined;
  createdAt: number;
  expiresAt: number | undefined;
  matched: number;
  firedCount: number;
  fired: FiredNote[];
  random: () => number;
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1); the same seed gives the same draws. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(value);
}

const REQUEST_ACTIONS = new Set(['status', 'delay', 'reset', 'hang', 'lose-answer']);
const WEBHOOK_ACTIONS = new Set(['drop', 'duplicate', 'reorder', 'delay']);

/**
 * The operation of a request, from its method and route (`/epayment/v1/payments/:reference/capture` → `capture`):
 * a route's last word when it is not a parameter (`capture`, `events`, `approve`, `get` of `/accesstoken/get` →
 * `token`); else `create` (POST to a collection), `get`, `list`, `delete` or `update`.
 */
export function operationOf(method: string, route: string | undefined): string | undefined {
  if (route === undefined) return undefined;
  if (/^\/accesstoken\/get$/i.test(route)) return 'token';
  const segments = route.split('/').filter(Boolean);
  const last = segments[segments.length - 1];
  if (last === undefined) return undefined;
  const verb = method.toUpperCase();
  if (!last.startsWith(':')) {
    if (/^(payments|webhooks|images|categories|receipts)$/i.test(last)) {
      return verb === 'POST' ? 'create' : verb === 'GET' ? 'list' : verb.toLowerCase();
    }
    return last.toLowerCase();
  }
  if (verb === 'GET') return 'get';
  if (verb === 'DELETE') return 'delete';
  if (verb === 'PUT' || verb === 'PATCH') return 'update';
  return verb.toLowerCase();
}

/**
 * The rules and their counts, in memory (a restart forgets them, as a reset of the platform's state does not).
 * `log` receives one warn line per fired fault, with the rule's id.
 */
export class FaultService {
  private readonly rules: Rule[] = [];
  private next = 1;

  constructor(
    private readonly deps: {
      clock: Clock;
      log?: { warn(obj: object, msg: string): void };
    },
  ) {}

  /** True when there are no rules (the hooks then do nothing at all). */
  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** True when some rule acts on webhook deliveries. */
  get hasWebhookRules(): boolean {
    return this.rules.some((r) => r.on === 'webhook');
  }

  /**
   * Adds a rule and answers it. ApiError 400 naming the field for an action that does not fit `on`, a code not
   * in the ePayment catalogue (contract 3.9), a status outside 400-599, an expiry in the past or a bad date.
   */
  add(input: NewFaultRule): FaultRuleView {
    const on = input.on ?? 'request';
    const action = input.action;
    const allowed = on === 'webhook' ? WEBHOOK_ACTIONS : REQUEST_ACTIONS;
    if (!allowed.has(action.type)) {
      throw ApiError.validation([
        {
          name: 'action.type',
          reason: `A ${on} rule's action is one of ${[...allowed].join(', ')}.`,
        },
      ]);
    }
    if (action.type === 'status') {
      if (action.code !== undefined && !(action.code in EPAYMENT_ERRORS)) {
        throw ApiError.validation([
          { name: 'action.code', reason: `${action.code} is not an ePayment error code (contract 3.9).` },
        ]);
      }
      if (action.status === undefined && action.code === undefined) {
        throw ApiError.validation([{ name: 'action.status', reason: 'Give a status, a code, or both.' }]);
      }
    }
    const now = this.deps.clock.now();
    let expiresAt: number | undefined;
    if (input.expiresAt !== undefined) {
      expiresAt = Date.parse(input.expiresAt);
      if (!Number.isFinite(expiresAt)) {
        throw ApiError.validation([{ name: 'expiresAt', reason: 'Give an ISO 8601 date and time.' }]);
      }
    } else if (input.expiresInSeconds !== undefined) {
      expiresAt = now + input.expiresInSeconds * 1000;
    }
    const match = { ...(input.match ?? {}) };
    const rule: Rule = {
      id: `fault-${this.next++}`,
      on,
      match,
      action,
      times: input.times,
      probability: input.probability,
      seed: input.probability !== undefined ? (input.seed ?? 1) : input.seed,
      createdAt: now,
      expiresAt,
      matched: 0,
      firedCount: 0,
      fired: [],
      random: seededRandom(input.seed ?? 1),
    };
    this.rules.push(rule);
    return this.view(rule);
  }

  /** Every rule, oldest first, with its counts. */
  list(): FaultRuleView[] {
    return this.rules.map((r) => this.view(r));
  }

  /** One rule; ApiError 404 when there is none with this id. */
  get(id: string): FaultRuleView {
    const rule = this.rules.find((r) => r.id === id);
    if (!rule) throw this.unknown(id);
    return this.view(rule);
  }

  /** Removes one rule; ApiError 404 when there is none with this id. */
  remove(id: string): void {
    const at = this.rules.findIndex((r) => r.id === id);
    if (at < 0) throw this.unknown(id);
    this.rules.splice(at, 1);
  }

  /** Removes every rule; answers how many there were. */
  clear(): number {
    return this.rules.splice(0).length;
  }

  /** The first request rule that matches and fires on this request, counted and logged; undefined for none. */
  fireRequest(facts: RequestFacts): Fired<RequestAction> | undefined {
    const target = `${facts.method} ${facts.path}`;
    return this.fire('request', (m) => this.requestMatches(m, facts), {
      target,
      ...(facts.msn !== undefined ? { msn: facts.msn } : {}),
      ...(facts.reference !== undefined ? { reference: facts.reference } : {}),
    }) as Fired<RequestAction> | undefined;
  }

  /** The first webhook rule that matches and fires on this delivery, counted and logged; undefined for none. */
  fireDelivery(facts: DeliveryFacts): Fired<WebhookAction> | undefined {
    return this.fire('webhook', (m) => this.deliveryMatches(m, facts), {
      target: `webhook ${facts.eventType} → ${facts.url}`,
      msn: facts.msn,
      reference: facts.reference,
    }) as Fired<WebhookAction> | undefined;
  }

  /** The refusal a `status` action answers: the ePayment code's status, title and standard detail. */
  static refusal(action: Extract<RequestAction, { type: 'status' }>, ruleId: string): ApiError {
    const entry =
      action.code !== undefined
        ? (EPAYMENT_ERRORS[action.code as EPaymentErrorCode] as { status: number; title: string } | undefined)
        : undefined;
    const status = action.status ?? entry?.status ?? 500;
    const detail =
      action.detail ??
      (action.code !== undefined ? standardDetail(action.code as EPaymentErrorCode) : undefined) ??
      entry?.title ??
      `Refused by fault rule ${ruleId}.`;
    return new ApiError(status, detail, {
      ...(entry ? { title: entry.title, code: String(action.code) } : {}),
      headers: {
        ...(action.retryAfterSeconds !== undefined
          ? { 'retry-after': String(action.retryAfterSeconds) }
          : {}),
        'x-betal-fault': ruleId,
      },
    });
  }

  private fire(
    on: 'request' | 'webhook',
    matches: (m: RequestMatch & WebhookMatch) => boolean,
    note: Omit<FiredNote, 'at'>,
  ): Fired<RequestAction | WebhookAction> | undefined {
    const now = this.deps.clock.now();
    for (const rule of this.rules) {
      if (rule.on !== on || !this.active(rule, now) || !matches(rule.match)) continue;
      rule.matched += 1;
      if (rule.probability !== undefined && rule.random() >= rule.probability) continue;
      rule.firedCount += 1;
      rule.fired.push({ at: new Date(now).toISOString(), ...note });
      if (rule.fired.length > FIRED_KEPT) rule.fired.shift();
      this.deps.log?.warn(
        { faultRule: rule.id, action: rule.action.type, ...note },
        `fault ${rule.id} fired: ${rule.action.type}`,
      );
      return { ruleId: rule.id, action: rule.action };
    }
    return undefined;
  }

  private active(rule: Rule, now: number): boolean {
    if (rule.times !== undefined && rule.firedCount >= rule.times) return false;
    return rule.expiresAt === undefined || now < rule.expiresAt;
  }

  private requestMatches(m: RequestMatch, f: RequestFacts): boolean {
    if (m.api !== undefined && m.api.toLowerCase() !== f.api) return false;
    if (m.operation !== undefined && m.operation.toLowerCase() !== f.operation) return false;
    if (m.method !== undefined && m.method.toUpperCase() !== f.method.toUpperCase()) return false;
    if (m.path !== undefined && !globMatches(m.path, f.path)) return false;
    if (m.msn !== undefined && m.msn !== f.msn) return false;
    if (m.reference !== undefined && m.reference !== f.reference) return false;
    return true;
  }

  private deliveryMatches(m: WebhookMatch, f: DeliveryFacts): boolean {
    if (m.msn !== undefined && m.msn !== f.msn) return false;
    if (m.reference !== undefined && m.reference !== f.reference) return false;
    if (m.event !== undefined) {
      const short = /^epayments\.payment\.([a-z]+)\.v1$/i.exec(f.eventType)?.[1];
      if (m.event !== f.eventType && m.event.toLowerCase() !== short?.toLowerCase()) return false;
    }
    if (m.url !== undefined && !globMatches(m.url, f.url)) return false;
    return true;
  }

  private view(rule: Rule): FaultRuleView {
    return {
      id: rule.id,
      on: rule.on,
      match: rule.match,
      action: rule.action,
      times: rule.times ?? null,
      probability: rule.probability ?? null,
      seed: rule.seed ?? null,
      createdAt: new Date(rule.createdAt).toISOString(),
      expiresAt: rule.expiresAt === undefined ? null : new Date(rule.expiresAt).toISOString(),
      matched: rule.matched,
      firedCount: rule.firedCount,
      active: this.active(rule, this.deps.clock.now()),
      fired: [...rule.fired],
    };
  }

  private unknown(id: string): ApiError {
    return new ApiError(404, `There is no fault rule ${id}.`, {
      fields: [{ name: 'id', reason: 'No fault rule has this id.' }],
    });
  }
}
