import type pg from 'pg';
import type { Payment } from '../../domain/payment.js';
import { pageOf, paymentSearchSql, type PaymentPage, type PaymentSearch } from '../payment-search.js';
import { paymentOfRow, type PaymentRow } from '../rows.js';

/**
 * {@link PaymentSearch} on a PostgreSQL store: a page of payments, newest first (storage/payment-search.ts).
 * `run` runs one statement (the store's pooled query). Rejects with the database's error.
 */
export async function searchPostgresPayments(
  run: <R extends pg.QueryResultRow>(text: string, values: unknown[]) => Promise<R[]>,
  query: PaymentSearch,
): Promise<PaymentPage<Payment>> {
  const { text, values } = paymentSearchSql(query, (n) => `$${n}`);
  const rows = await run<PaymentRow & { id: string }>(text, values);
  return pageOf(rows, query.limit, paymentOfRow);
}
