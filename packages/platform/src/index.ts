/**
 * The public API of `@betal/platform`: start a platform (in-process or from a configuration), its test controls,
 * the dev credentials, the webhook signing and receiver check, and seeds. What the CLI, the benchmarks and the
 * platform's own tests use besides is in `@betal/platform/internal` (internal-entry.ts), not here.
 */
export { createPlatform, type Platform, type PlatformOptions } from './server.js';
export { startPlatform, type StartedPlatform } from './start.js';
export type { StartPlatformOptions } from './testing.js';
export type { PlatformAdmin } from './admin.js';
export { configFromEnv, hostList, type PlatformConfig, type HttpTimeouts } from './config.js';
export { PlatformClock, type Clock } from './clock.js';
export { randomIds, type IdSource } from './ids.js';
export { DEV_SALES_UNITS, DEV_TEST_USERS } from './dev/seed.js';
export { DEV_PIN } from './customer/access.js';
export type { SalesUnit, Capabilities, Market } from './domain/sales-unit.js';
export type { TestUser } from './domain/test-user.js';
export type { NewSandbox, SandboxCapabilities } from './services/sandboxes.js';
export type { SnapshotView } from './services/snapshots.js';
export type {
  NewFaultRule,
  FaultRuleView,
  RequestMatch,
  RequestAction,
  WebhookMatch,
  WebhookAction,
} from './services/faults.js';
export type { CrowdRule, CrowdRuleInput, CrowdView, CrowdStats } from './services/crowd.js';
export { signWebhook, httpDate, type SignInput, type SignedHeaders } from './delivery/signing.js';
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
  parseSeed,
  readSeedFile,
  validateSeed,
  SeedError,
  SeedSchema,
  type Seed,
  type SeedOutcome,
} from './services/seed.js';
