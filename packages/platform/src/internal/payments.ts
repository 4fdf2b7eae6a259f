import { PAYMENT_STATES, type GetPaymentResponse } from '@betal/contract';
import type { FastifyInstance } from 'fastify';
import type { Payment } from '../domain/payment.js';
import { ApiError, type FieldFault } from '../kernel/errors.js';
import { getPaymentResponse } from '../apis/epayment/wire.js';
import type { PaymentSearch } from '../storage/payment-search.js';
import type { PlatformStore } from '../storage/ports.js';

interface Deps {
  store: PlatformStore;
}

/** The default and the largest page of `GET /betal/payments`. */
export const PAYMENTS_PAGE = { default: 20, max: 100 } as const;

/** One payment of the list: GET payment's fields (contract 3.4) with its MSN and times on the platform clock. */
export type ListedPayment = GetPaymentResponse & {
  msn: string;
  /** ISO 8601, platform clock. */
  createdAt: string;
  /** ISO 8601, platform clock: when a CREATED payment expires. */
  expiresAt: string;
  userFlow: string;
};

/** The answer of `GET /betal/payments`: a page, newest first, and the cursor of the next one (null on the last). */
export interface PaymentList {
  payments: ListedPayment[];
  nextCursor: string | null;
}

function listed(p: Payment): ListedPayment {
  return {
    msn: p.msn,
    ...getPaymentResponse(p),
    createdAt: new Date(p.createdAt).toISOString(),
    expiresAt: new Date(p.expiresAt).toISOString(),
    userFlow: p.userFlow,
  };
}

const cursorOf = (position: number) => Buffer.from(`p${position}`, 'utf8').toString('base64url');

function positionOf(cursor: string): number | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^p(\d{1,15})$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** An ISO 8601 date-time with a zone (`2026-01-01T12:00:00Z`, `…+01:00`) as epoch ms, or undefined. */
function instant(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

type Query = Record<string, string | string[] | undefined>;

/**
 * Reads the query of `GET /betal/payments` into a search, or throws ApiError 400 naming every bad parameter:
 * `msn`, `state` (comma-separated, of CREATED, AUTHORIZED, ABORTED, EXPIRED, TERMINATED), `reference` (a prefix),
 * `since` and `until` (ISO 8601 with a zone, platform clock; since inclusive, until exclusive), `limit` (1 to 100,
 * default 20) and `cursor` (the `nextCursor` of the page before).
 */
export function readPaymentQuery(query: Query): PaymentSearch {
  const faults: FieldFault[] = [];
  const one = (name: string): string | undefined => {
    const value = query[name];
    if (Array.isArray(value)) {
      faults.push({ name, reason: `Give ${name} once.` });
      return undefined;
    }
    return value === '' ? undefined : value;
  };
  const known = new Set(['msn', 'state', 'reference', 'since', 'until', 'limit', 'cursor']);
  for (const name of Object.keys(query)) {
    if (!known.has(name))
      faults.push({ name, reason: `Unknown parameter; known: ${[...known].join(', ')}.` });
  }
  const search: PaymentSearch = { limit: PAYMENTS_PAGE.default };
  const msn = one('msn');
  if (msn !== undefined) search.msn = msn;
  const state = one('state');
  if (state !== undefined) {
    const states = state.split(',').map((s) => s.trim().toUpperCase());
    const bad = states.filter((s) => !(PAYMENT_STATES as readonly string[]).includes(s));
    if (bad.length) faults.push({ name: 'state', reason: `Must be of ${PAYMENT_STATES.join(', ')}.` });
    else search.states = states;
  }
  const reference = one('reference');
  if (reference !== undefined) search.referencePrefix = reference;
  for (const name of ['since', 'until'] as const) {
    const text = one(name);
    if (text === undefined) continue;
    const ms = instant(text);
    if (ms === undefined) faults.push({ name, reason: 'Must be an ISO 8601 date-time with a zone.' });
    else search[name] = ms;
  }
  const limit = one('limit');
  if (limit !== undefined) {
    const n = Number(limit);
    if (!/^\d+$/.test(limit) || n < 1 || n > PAYMENTS_PAGE.max) {
      faults.push({ name: 'limit', reason: `Must be a whole number from 1 to ${PAYMENTS_PAGE.max}.` });
    } else search.limit = n;
  }
  const cursor = one('cursor');
  if (cursor !== undefined) {
    const position = positionOf(cursor);
    if (position === undefined) faults.push({ name: 'cursor', reason: 'Not a cursor this list gave.' });
    else search.before = position;
  }
  if (faults.length) throw ApiError.validation(faults);
  return search;
}

/**
 * `GET /betal/payments` (admin): the payments of every sales unit, or filtered, newest first, a page at a time
 * (see {@link readPaymentQuery} for the parameters): 200 {@link PaymentList}; 400 naming each bad parameter.
 * The dashboard's list per sales unit (`listPayments`) as JSON, with filters and a cursor.
 */
export async function betalPaymentRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  app.get<{ Querystring: Query }>(
    '/betal/payments',
    {
      schema: {
        tags: ['Betal platform'],
        summary:
          'List payments, newest first: filters msn, state (comma-separated), reference (prefix), since and until (ISO 8601, platform clock); limit (1-100, default 20) and cursor (nextCursor of the page before) (admin)',
        querystring: {
          type: 'object',
          properties: {
            msn: { type: 'string', description: "One sales unit's payments." },
            state: { type: 'string', description: 'States, comma-separated: CREATED,AUTHORIZED,…' },
            reference: { type: 'string', description: 'References that start with this.' },
            since: {
              type: 'string',
              format: 'date-time',
              description: 'Created at or after (platform clock).',
            },
            until: { type: 'string', format: 'date-time', description: 'Created before (platform clock).' },
            limit: {
              type: 'integer',
              minimum: 1,
              maximum: PAYMENTS_PAGE.max,
              default: PAYMENTS_PAGE.default,
            },
            cursor: { type: 'string', description: 'The nextCursor of the page before.' },
          },
        },
      },
    },
    async (request): Promise<PaymentList> => {
      const search = readPaymentQuery(request.query);
      const page = await deps.store.searchPayments(search);
      return {
        payments: page.payments.map(listed),
        nextCursor: page.next === undefined ? null : cursorOf(page.next),
      };
    },
  );
}
