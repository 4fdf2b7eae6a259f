export { createPlatform, type Platform, type PlatformOverrides } from './server.js';
export { configFromEnv, hostList, type PlatformConfig, type HttpTimeouts } from './config.js';
export { isAdminRequest, isAdminPath } from './internal/index.js';
export { PlatformClock, type Clock } from './clock.js';
export { randomIds, type IdSource } from './ids.js';
export { DEV_SALES_UNITS, DEV_TEST_USERS } from './dev/seed.js';
export { DEV_PIN } from './customer/access.js';
export { startPlatform, type StartedPlatform, type StartPlatformOptions } from './testing.js';
export type { PlatformStore, Storage } from './storage/ports.js';
export { openStorage, redactDatabase, StorageNotSupportedError, type StorageConfig } from './storage/open.js';
export { SqliteStore } from './storage/sqlite/store.js';
export type { SalesUnit, Capabilities, Market } from './domain/sales-unit.js';
export type { TestUser } from './domain/test-user.js';
export { WebhookService, type WebhookServiceOptions } from './delivery/service.js';
export { signWebhook, httpDate, type SignInput, type SignedHeaders } from './delivery/signing.js';
export { retryDelayMs, nextAttemptAt, RETRY_WINDOW_MS } from './delivery/schedule.js';
export type { OrderDetails, OrderDetailsSource } from './customer/order-details.js';
export {
  checkWebhookReceiver,
  WEBHOOK_CHECK_CASES,
  type WebhookCheckCase,
  type WebhookCheckCaseId,
  type WebhookCheckInput,
  type WebhookCheckOptions,
  type WebhookCheckReport,
} from './services/webhook-check.js';
export { EPAYMENT_WEBHOOK_EVENTS } from '@betal/contract';
export {
  applySeed,
  parseSeed,
  readSeedFile,
  validateSeed,
  SeedError,
  SeedSchema,
  type Seed,
  type SeedOutcome,
} from './services/seed.js';
