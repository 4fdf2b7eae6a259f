import type { MerchantStore } from './store.js';
import { PostgresMerchantStore } from './postgres.js';
import { SqliteMerchantStore } from './sqlite.js';

/** Whether `database` names a PostgreSQL database (`postgres://` or `postgresql://`). */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/**
 * Opens the merchant's store from `MERCHANT_DB` (`config.database`): a `postgres://user@host:port/database` URL
 * opens PostgreSQL (migrated at start, tables in the `merchant` schema), anything else is a SQLite file path (or
 * `:memory:`). Rejects when PostgreSQL cannot be reached or migrated.
 */
export async function openMerchantStore(database: string): Promise<MerchantStore> {
  if (isPostgresUrl(database)) return PostgresMerchantStore.open(database);
  return new SqliteMerchantStore(database);
}
