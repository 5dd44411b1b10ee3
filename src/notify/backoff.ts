// Retry schedule of a failed delivery: exponential from `baseMs`, capped at `capMs`, with "equal
// jitter" (half the delay fixed, half random) so that subscribers coming back after an outage are
// not hit by every lane at the same instant, and a retry never comes immediately.

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 5 * 60_000 };

/** Delay before attempt `failedAttempts + 1`, given `failedAttempts` ≥ 1 failures so far. */
export function retryDelayMs(failedAttempts: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(failedAttempts));
  // 2^(n-1) overflows to Infinity long after the cap is reached; min() handles it.
  const full = Math.min(policy.capMs, policy.baseMs * 2 ** (n - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

/**
 * When to try again, or null when the next attempt would fall after `giveUpAt` (the retry
 * horizon): the row is then `failed`.
 */
export function nextAttemptAt(failedAttempts: number, now: number, giveUpAt: number, policy?: BackoffPolicy, random?: () => number): Date | null {
  const at = now + retryDelayMs(failedAttempts, policy, random);
  return at > giveUpAt ? null : new Date(at);
}
