import type { NewOperation, OperationRecord, ReceivedEvent } from './store.js';

/**
 * The rows both stores read, and what they become: one mapping for SQLite and PostgreSQL, so that the two stores
 * answer the same records. Times are epoch ms, amounts minor units.
 */

/** A `webhook_events` row; `duplicate` is 0/1 on SQLite and a boolean on PostgreSQL. */
export interface WebhookEventRow {
  reference: string;
  psp_reference: string;
  name: string;
  payload: string;
  received_at: number;
  duplicate: number | boolean;
}

/** The columns of {@link WebhookEventRow}, in the order of the SELECT that reads them. */
export const WEBHOOK_EVENT_COLUMNS = 'reference, psp_reference, name, payload, received_at, duplicate';

/** A `webhook_events` row as a {@link ReceivedEvent}. */
export function eventOfRow(r: WebhookEventRow): ReceivedEvent {
  return {
    reference: r.reference,
    pspReference: r.psp_reference,
    name: r.name,
    payload: r.payload,
    receivedAt: r.received_at,
    duplicate: r.duplicate === true || r.duplicate === 1,
  };
}

/** An `operations` row (`SELECT *`). */
export interface OperationRow {
  id: number;
  reference: string;
  kind: OperationRecord['kind'];
  amount: number | null;
  status: OperationRecord['status'];
  error: string | null;
  created_at: number;
  finished_at: number | null;
}

/** An `operations` row as an {@link OperationRecord}: no `amount`, `error` or `finishedAt` where the column is null. */
export function operationOfRow(r: OperationRow): OperationRecord {
  return {
    id: r.id,
    reference: r.reference,
    kind: r.kind,
    ...(r.amount !== null ? { amount: r.amount } : {}),
    status: r.status,
    ...(r.error !== null ? { error: r.error } : {}),
    createdAt: r.created_at,
    ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
  };
}

/** The pending {@link OperationRecord} of `op`, just inserted with the row id `id`. */
export function startedOperation(id: number, op: NewOperation): OperationRecord {
  return {
    id,
    reference: op.reference,
    kind: op.kind,
    ...(op.amount !== undefined ? { amount: op.amount } : {}),
    status: 'pending',
    createdAt: op.at,
  };
}
