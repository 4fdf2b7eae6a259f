/**
 * `@betal/platform/internal`: the composed platform and its parts, for the CLI, the benchmarks and tests that
 * look inside (a store, a service). Not the public API (index.ts): what is here may change with any release.
 * It re-exports the public API too, except that its `startPlatform` answers the composed platform (testing.ts).
 */
export * from './index.js';
export { composePlatform, publicPlatform, type ComposedPlatform, type PlatformOverrides } from './server.js';
export { startPlatform, type StartedPlatform, type StartPlatformOptions } from './testing.js';
export { isAdminRequest, isAdminPath } from './internal/index.js';
export type { PlatformStore, Storage } from './storage/ports.js';
export { openStorage, redactDatabase, StorageNotSupportedError, type StorageConfig } from './storage/open.js';
export { SqliteStore } from './storage/sqlite/store.js';
export { WebhookService, type WebhookServiceOptions } from './delivery/service.js';
export { retryDelayMs, nextAttemptAt, RETRY_WINDOW_MS } from './delivery/schedule.js';
export { applySeed } from './services/seed.js';
