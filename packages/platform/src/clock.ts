/** The platform's time source: epoch milliseconds. Nothing in domain or services reads `Date.now()` directly. */
export interface Clock {
  now(): number;
}

/**
 * The platform clock: real time plus an offset that only grows (the test clock's fast-forward), or a fixed
 * time when `frozenAt` is given (deterministic tests). `advance` moves it forward by `ms`.
 */
export class PlatformClock implements Clock {
  private offsetMs: number;
  private frozenAt: number | undefined;

  constructor(options: { offsetMs?: number; frozenAt?: number; realNow?: () => number } = {}) {
    this.offsetMs = options.offsetMs ?? 0;
    this.frozenAt = options.frozenAt;
    this.realNow = options.realNow ?? Date.now;
  }

  private readonly realNow: () => number;

  now(): number {
    return this.frozenAt ?? this.realNow() + this.offsetMs;
  }

  /** Moves the clock forward; throws RangeError for a negative or non-finite step. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  /**
   * Raises the offset to `offsetMs` when that is further ahead (another process sharing the database advanced the
   * clock); never moves it back, and does nothing to a frozen clock. Whether it moved.
   */
  catchUp(offsetMs: number): boolean {
    if (this.frozenAt !== undefined || !Number.isFinite(offsetMs) || offsetMs <= this.offsetMs) return false;
    this.offsetMs = offsetMs;
    return true;
  }

  /**
   * Puts the clock back where a snapshot found it (issue #13: a restore gives back the saved state, the clock
   * included): the offset in ms, and the frozen time when it was frozen. The one way the clock moves back.
   */
  restoreTo(state: { offsetMs: number; frozenAt?: number }): void {
    if (this.frozenAt !== undefined && state.frozenAt !== undefined) this.frozenAt = state.frozenAt;
    else this.offsetMs = state.offsetMs;
  }

  /** How far the clock is ahead of real time, in ms (0 when frozen). */
  get offset(): number {
    return this.frozenAt === undefined ? this.offsetMs : 0;
  }

  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }
}
