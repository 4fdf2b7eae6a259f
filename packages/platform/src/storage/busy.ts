/**
 * A write that could not get the database's write lock within the configured wait (another process holds it).
 * Nothing of it was written, so the same request (same Idempotency-Key) can simply be sent again.
 */
export class StoreBusyError extends Error {
  readonly code = 'BETAL_STORE_BUSY';
  /**
   * `waitedMs`: how long the write waited for the lock (real ms); `retryAfterSeconds`: how long the caller should
   * wait before trying again (s).
   */
  constructor(
    readonly waitedMs: number,
    readonly retryAfterSeconds = 1,
  ) {
    super(`The database is locked by another process; gave up after ${Math.round(waitedMs)} ms.`);
    this.name = 'StoreBusyError';
  }
}

/** True for a StoreBusyError and for SQLite's own SQLITE_BUSY / SQLITE_LOCKED errors (better-sqlite3 codes). */
export function isStoreBusy(error: unknown): boolean {
  if (error instanceof StoreBusyError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code);
}

/**
 * PostgreSQL's SQLSTATEs that say the connection is gone or the server is not taking work: class 08 (connection
 * exception), 57P01-57P03 (terminated by an administrator, crash shutdown, cannot connect now), 53300 (too many
 * connections).
 */
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/;
/** Errors of the connection itself (node's socket errors, node-postgres's own messages); no SQLSTATE. */
const UNAVAILABLE_SOCKET = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN)$/;
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|Cannot use a pool after calling end/i;

/**
 * True for an error that says the database cannot be reached now (a server restart, a terminated connection, a
 * refused connection): nothing can be known to be written, and the same request may be sent again later. A store
 * raises it as it comes; the edge answers it with 503 and Retry-After, as it does a locked store.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_STATES.test(code) || UNAVAILABLE_SOCKET.test(code)))
    return true;
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  // An AggregateError of a connection attempt to every address of a host.
  const errors = (error as { errors?: unknown }).errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every(isStoreUnavailable);
}

/** One reason readiness reports `degraded`: a short name and what it means. */
export interface StoreCause {
  name: 'store-locked' | 'store-damaged' | 'store-unavailable';
  detail: string;
}
