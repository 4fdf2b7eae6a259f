import type { Storage } from './ports.js';
import { SqliteStore } from './sqlite/store.js';

/** What {@link openStorage} reads of the platform's configuration. */
export interface StorageConfig {
  /**
   * Where the data lives: a SQLite file path, `:memory:` (gone when the process ends), or a `postgres://` /
   * `postgresql://` URL (PostgreSQL, `storage/postgres/`).
   */
  database: string;
  /**
   * How long a write waits for a lock another process (or transaction) holds, in ms of real time, before it is
   * refused with StoreBusyError (default 250): SQLite's write lock, PostgreSQL's row and outbox locks.
   */
  storeLockWaitMs?: number;
}

/** Thrown by {@link openStorage} for a database URL it has no implementation for (say `mysql://…`). */
export class StorageNotSupportedError extends Error {
  readonly code = 'BETAL_STORAGE_NOT_SUPPORTED';
  constructor(readonly database: string) {
    super(
      `No storage for database ${JSON.stringify(redactDatabase(database))}; use a SQLite file path, :memory: or a postgres:// URL.`,
    );
    this.name = 'StorageNotSupportedError';
  }
}

/** The database setting with a URL's password (if any) replaced by `***`, for messages and banners. */
export function redactDatabase(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}

/**
 * Opens the platform's storage for `config.database`, migrated and ready: PostgreSQL for a `postgres://` or
 * `postgresql://` URL, SQLite for anything else that is no URL. Rejects with StorageNotSupportedError for a URL of
 * another scheme, and with the database's own error when it cannot be opened, reached or migrated.
 */
export async function openStorage(config: StorageConfig): Promise<Storage> {
  if (/^postgres(ql)?:\/\//i.test(config.database)) {
    // Loaded only when asked for: `pg` and its dependencies would add to every SQLite start (issue #15).
    const { PostgresStore } = await import('./postgres/store.js');
    return PostgresStore.open(
      config.database,
      config.storeLockWaitMs !== undefined ? { lockWaitMs: config.storeLockWaitMs } : {},
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(config.database)) throw new StorageNotSupportedError(config.database);
  return new SqliteStore(
    config.database,
    config.storeLockWaitMs !== undefined ? { lockWaitMs: config.storeLockWaitMs } : {},
  );
}
