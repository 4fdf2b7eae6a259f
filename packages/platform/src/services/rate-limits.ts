import type { Clock } from '../clock.js';
import type { SharedPort } from '../storage/ports.js';

/**
 * What the platform does when a caller goes past the API's rate limits: `enforce` answers 429 with Retry-After as
 * the real service does; `warn` (the default) lets the call through with a lint notice, so that a test suite keeps
 * working and still learns where production would refuse it; `off` does neither.
 */
export type RateLimitMode = 'off' | 'warn' | 'enforce';

/**
 * The limits of contract 3.1: capture, refund and cancel 5 per minute per reference and MSN; get and events 120 per
 * minute per reference and subscription key. (Create is limited per reference too, but a second create of the same
 * reference is refused with 4150 anyway, so it is not counted here.)
 */
export const RATE_LIMITS = {
  modify: { limit: 5, windowMs: 60_000 },
  read: { limit: 120, windowMs: 60_000 },
} as const;

export type RateLimitKind = keyof typeof RATE_LIMITS;

/**
 * Fixed one-minute windows per key on the platform clock (so a test can move past a window by advancing it).
 * Alone on its store, a process counts in memory, and windows that have ended are dropped as new calls come, so
 * memory follows the keys of the last minute only. Given a store several processes share (`shared`), every call
 * is counted there in one atomic UPSERT, so the limit holds for all processes together, as the real API's does
 * behind its gateway.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private hitsSincePrune = 0;

  constructor(
    private readonly clock: Clock,
    readonly mode: RateLimitMode,
    private readonly shared?: SharedPort,
  ) {}

  /**
   * Counts one call of `kind` for `key`. Resolves with undefined while within the limit, else with the
   * milliseconds until the window ends (the Retry-After). Counts nothing when the mode is `off`. Rejects with the
   * store's error when a shared counter cannot be reached.
   */
  async hit(kind: RateLimitKind, key: string): Promise<number | undefined> {
    if (this.mode === 'off') return undefined;
    const { limit, windowMs } = RATE_LIMITS[kind];
    const now = this.clock.now();
    const id = `${kind}\u0000${key}`;
    if (this.shared) {
      // PostgreSQL text holds no NUL: the shared id separates with a space (kinds have none).
      const window = await this.shared.hitRateLimit(`${kind} ${key}`, now, windowMs);
      return window.count > limit ? Math.max(0, window.start + windowMs - now) : undefined;
    }
    let window = this.windows.get(id);
    if (!window || now >= window.start + windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(id, window);
    }
    window.count += 1;
    if (++this.hitsSincePrune >= 10_000) this.prune(now);
    return window.count > limit ? window.start + windowMs - now : undefined;
  }

  /** Forgets every window (after a reset or a restore of the platform's state): every key starts from zero. */
  clear(): void {
    this.windows.clear();
    this.hitsSincePrune = 0;
  }

  private prune(now: number): void {
    this.hitsSincePrune = 0;
    for (const [id, window] of this.windows) {
      if (now >= window.start + RATE_LIMITS.read.windowMs) this.windows.delete(id);
    }
  }
}
