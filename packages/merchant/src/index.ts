export { createMerchant, type Merchant, type MerchantOverrides } from './server.js';
export { merchantConfigFromEnv, isRealVipps, type MerchantConfig } from './config.js';
export { startMerchant, type StartMerchantOptions, type StartedMerchant } from './testing.js';
export * from './domain/order-status.js';
export { MerchantStore, type PaymentRecord, type Purpose } from './store/store.js';
export { PaymentService, PlatformCallError, RefusedError } from './services/payments.js';
