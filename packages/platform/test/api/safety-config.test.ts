import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/internal-entry.js';

describe('the settings of issue #10 from the environment', () => {
  it('has safe defaults', () => {
    const config = configFromEnv({});
    expect(config.adminToken).toBeUndefined();
    expect(config.allowWebhookHosts).toEqual([]);
    expect(config.storeLockWaitMs).toBe(250);
    expect(config.timeouts).toEqual({
      requestMs: 30_000,
      headersMs: 30_000,
      keepAliveMs: 5_000,
      idleMs: 30_000,
    });
  });

  it('reads every variable', () => {
    const config = configFromEnv({
      BETAL_ADMIN_TOKEN: 'secret',
      BETAL_ALLOW_WEBHOOK_HOSTS: ' Hooks.Internal. , 10.0.0.5,,',
      BETAL_STORE_LOCK_MS: '100',
      BETAL_REQUEST_TIMEOUT_MS: '1000',
      BETAL_HEADERS_TIMEOUT_MS: '500',
      BETAL_KEEP_ALIVE_TIMEOUT_MS: '2000',
      BETAL_IDLE_TIMEOUT_MS: '0',
    });
    expect(config.adminToken).toBe('secret');
    expect(config.allowWebhookHosts).toEqual(['hooks.internal', '10.0.0.5']);
    expect(config.storeLockWaitMs).toBe(100);
    expect(config.timeouts).toEqual({ requestMs: 1000, headersMs: 500, keepAliveMs: 2000, idleMs: 0 });
  });

  it('refuses a duration that is not a number of ms', () => {
    expect(() => configFromEnv({ BETAL_REQUEST_TIMEOUT_MS: '30s' })).toThrow(/Not a duration in ms: '30s'/);
    expect(() => configFromEnv({ BETAL_STORE_LOCK_MS: '-1' })).toThrow(/Not a duration/);
  });
});
