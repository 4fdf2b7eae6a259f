import type { Storage } from './ports.js';
import { SqliteStore } from './sqlite/store.js';

/** What {@link openStorage} reads of the platform's configuration. */
export interface StorageConfig {
  /**
   * Where the data lives: a SQLite file path, `:memory:` (gone when the process ends), or a `postgres://` /
   * `postgresql://` URL (not supported yet).
   */
  database: string;
  /** How long a write waits for another process's write lock, in ms of real time (SQLite; default 250). */
  storeLockWaitMs?: number;
}

/** Thrown by {@link openStorage} for a database it has no implementation for (yet). */
export class StorageNotSupportedError extends Error {
  readonly code = 'BETAL_STORAGE_NOT_SUPPORTED';
  constructor(readonly database: string) {
    super(
      `PostgreSQL storage is not supported yet (database ${JSON.stringify(redact(database))}); use a SQLite file path or :memory:.`,
    );
    this.name = 'StorageNotSupportedError';
  }
}

/** A URL with its password (if any) replaced, for error messages. */
function redact(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}

/**
 * Opens the platform's storage for `config.database`, migrated and ready. Rejects with StorageNotSupportedError
 * for a PostgreSQL URL, and with the database's own error when the file cannot be opened or migrated.
 */
export async function openStorage(config: StorageConfig): Promise<Storage> {
  if (/^postgres(ql)?:\/\//i.test(config.database)) throw new StorageNotSupportedError(config.database);
  return new SqliteStore(
    config.database,
    config.storeLockWaitMs !== undefined ? { lockWaitMs: config.storeLockWaitMs } : {},
  );
}
