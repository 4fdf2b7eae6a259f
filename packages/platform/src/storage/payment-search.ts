/**
 * The search behind `GET /betal/payments` (the admin list of payments), shared by the SQLite and PostgreSQL stores:
 * the query's shape and one SQL builder for both dialects. Newest first is the order payments were stored in (the
 * row's position, `id`), which is also the cursor: a page continues below the last position it showed.
 */
import { PAYMENT_COLUMN_NAMES } from './rows.js';

/**
 * What to search for; every filter is optional and they all apply. Times are epoch ms on the platform clock.
 * `before` is the cursor: only payments stored before that position (the `next` of the page before).
 */
export interface PaymentSearch {
  /** One sales unit's payments; default every MSN's. */
  msn?: string;
  /** Any of these states (`CREATED`, `AUTHORIZED`, …); default any. */
  states?: readonly string[];
  /** References that start with this (case-sensitive). */
  referencePrefix?: string;
  /** Created at or after (epoch ms). */
  since?: number;
  /** Created before (epoch ms). */
  until?: number;
  /** The cursor: only payments stored before this position. */
  before?: number;
  /** At most this many (1 or more). */
  limit: number;
}

/** A page of payments, newest first, and the cursor of the next page (undefined on the last). */
export interface PaymentPage<P> {
  payments: P[];
  next: number | undefined;
}

/**
 * The SELECT of a search: the payment's columns and `id`, `limit + 1` rows (the extra row says whether a next page
 * exists). `placeholder(n)` writes the n-th parameter (1-based): `?` for SQLite, `$n` for PostgreSQL.
 */
export function paymentSearchSql(
  query: PaymentSearch,
  placeholder: (n: number) => string,
): { text: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return placeholder(values.length);
  };
  if (query.msn !== undefined) where.push(`msn = ${param(query.msn)}`);
  if (query.states && query.states.length > 0) {
    where.push(`state IN (${query.states.map((s) => param(s)).join(', ')})`);
  }
  if (query.referencePrefix !== undefined && query.referencePrefix !== '') {
    const length = [...query.referencePrefix].length;
    where.push(`substr(reference, 1, ${param(length)}) = ${param(query.referencePrefix)}`);
  }
  if (query.since !== undefined) where.push(`created_at >= ${param(query.since)}`);
  if (query.until !== undefined) where.push(`created_at < ${param(query.until)}`);
  if (query.before !== undefined) where.push(`id < ${param(query.before)}`);
  const text =
    `SELECT id, ${PAYMENT_COLUMN_NAMES.join(', ')} FROM payments` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY id DESC LIMIT ${param(query.limit + 1)}`;
  return { text, values };
}

/** Cuts the `limit + 1` rows of {@link paymentSearchSql} into a page: the cursor is the last shown row's id. */
export function pageOf<R extends { id: number | string }, P>(
  rows: readonly R[],
  limit: number,
  map: (row: R) => P,
): PaymentPage<P> {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    payments: shown.map(map),
    next: rows.length > limit && last ? Number(last.id) : undefined,
  };
}
