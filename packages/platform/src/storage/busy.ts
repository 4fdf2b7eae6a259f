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

/** One reason readiness reports `degraded`: a short name and what it means. */
export interface StoreCause {
  name: 'store-locked' | 'store-damaged' | 'store-unavailable';
  detail: string;
}
