/**
 * The retry schedule of webhook delivery (contract 4.5), on the platform clock. Pure functions of how many
 * automatic attempts were made, so that tests can fast-forward the clock through it.
 *
 * | after attempt | next attempt in |
 * | --- | --- |
 * | 1, 2, 3 | 2 s (the first 4 tries come about every 2 s) |
 * | 4 | 60 s |
 * | 5 | 120 s |
 * | 6 to 28 | 1 h (hourly up to try 29) |
 * | 29 and later | 24 h (daily) |
 *
 * A delivery is given up (status `failed`) when its next attempt would fall more than 7 days after its first
 * attempt: that is after try 35.
 */

const SECOND = 1000;
const HOUR = 3600 * SECOND;

/** How long delivery of one event is retried, from its first attempt: 7 days, in ms (contract 4.5). */
export const RETRY_WINDOW_MS = 7 * 24 * HOUR;

/** A registration whose endpoint failed every attempt for this long is deleted: 14 days, in ms (contract 4.5). */
export const UNRESPONSIVE_DELETE_MS = 14 * 24 * HOUR;
/** How long the delivery log keeps a finished delivery: 7 days after the event, the whole retry horizon. */
export const DELIVERY_RETENTION_MS = 7 * 24 * HOUR;

/** How long the platform waits for a receiver's answer by default: 10 s, in ms (contract 4.5). */
export const DEFAULT_TIMEOUT_MS = 10 * SECOND;

/** The wait in ms before the next try, after `attemptsMade` (≥ 1) automatic attempts that all failed. */
export function retryDelayMs(attemptsMade: number): number {
  if (attemptsMade < 1) return 0;
  if (attemptsMade <= 3) return 2 * SECOND;
  if (attemptsMade === 4) return 60 * SECOND;
  if (attemptsMade === 5) return 120 * SECOND;
  if (attemptsMade <= 28) return HOUR;
  return 24 * HOUR;
}

/**
 * When to try again after a failed attempt made at `now` (epoch ms, platform clock), the `attemptsMade`-th
 * automatic one, of a delivery first tried at `firstAttemptAt`; undefined when the 7-day window is over and the
 * event is dropped.
 */
export function nextAttemptAt(firstAttemptAt: number, attemptsMade: number, now: number): number | undefined {
  const next = now + retryDelayMs(attemptsMade);
  return next - firstAttemptAt > RETRY_WINDOW_MS ? undefined : next;
}
