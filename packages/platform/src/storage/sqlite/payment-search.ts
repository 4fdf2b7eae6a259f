import type Database from 'better-sqlite3';
import type { Payment } from '../../domain/payment.js';
import { pageOf, paymentSearchSql, type PaymentPage, type PaymentSearch } from '../payment-search.js';
import { paymentOfRow, type PaymentRow } from '../rows.js';

/** {@link PaymentSearch} on a SQLite store's database: a page of payments, newest first (storage/payment-search.ts). */
export function searchSqlitePayments(db: Database.Database, query: PaymentSearch): PaymentPage<Payment> {
  const { text, values } = paymentSearchSql(query, () => '?');
  const rows = db.prepare<unknown[], PaymentRow & { id: number }>(text).all(...values);
  return pageOf(rows, query.limit, paymentOfRow);
}
