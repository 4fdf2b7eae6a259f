export { createMerchant, type Merchant, type MerchantOverrides } from './server.js';
export { merchantConfigFromEnv, isRealVipps, type MerchantConfig } from './config.js';
export { startMerchant, type StartMerchantOptions, type StartedMerchant } from './testing.js';
export * from './domain/order-status.js';
export type { MerchantStore, MerchantData, PaymentRecord, Purpose } from './store/store.js';
export { SqliteMerchantStore } from './store/sqlite.js';
export { PostgresMerchantStore, type PostgresStoreOptions } from './store/postgres.js';
export { openMerchantStore, isPostgresUrl } from './store/open.js';
export { PaymentService, PlatformCallError, RefusedError } from './services/payments.js';
