import type { PlatformAdmin } from './admin.js';
import type { PlatformClock } from './clock.js';
import { publicPlatform, type Platform } from './server.js';
import { startPlatform as startComposed, type StartPlatformOptions } from './testing.js';

/** A platform started in-process for a test suite (the public view: see {@link startPlatform}). */
export interface StartedPlatform {
  /** Base URL, e.g. `http://127.0.0.1:41234`: pass it to `usePlatform(url)` or your own client. */
  url: string;
  platform: Platform;
  clock: PlatformClock;
  /** The test controls: sandboxes, reset, snapshots, faults, force approve, the clock, the crowd, the seed. */
  admin: PlatformAdmin;
  /**
   * Resets the platform's data: `reset()` everything (back to the dev merchants and test users), `reset({msn})`
   * one sales unit's data (the unit and its credentials kept). Fast enough to run before every test.
   */
  reset(options?: { msn?: string }): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a platform in-process on a free port of 127.0.0.1 with an in-memory store, in dev mode (the dev
 * merchants and test users exist). For test suites: `const { url, admin, close } = await startPlatform();`.
 * Rejects with the storage's error or SeedError for a seed that cannot be applied.
 */
export async function startPlatform(options: StartPlatformOptions = {}): Promise<StartedPlatform> {
  const started = await startComposed(options);
  const platform = publicPlatform(started.platform);
  return { ...started, platform, admin: platform.admin };
}
