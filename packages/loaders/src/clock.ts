/** Time source for retries and waits; tests pass a virtual clock so nothing sleeps for real. */
export interface Clock {
  now(): number;
  /** Resolve after `ms`; resolve early (without waiting) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * Settle with `work`, or with 'timeout' after `ms` on `clock`, whichever comes first. The timer is cancelled
 * when `work` wins (so a virtual clock is not moved needlessly).
 */
export async function withTimeout<T>(clock: Clock, ms: number, work: Promise<T>): Promise<T | 'timeout'> {
  const ac = new AbortController();
  try {
    return await Promise.race([work, clock.sleep(ms, ac.signal).then(() => 'timeout' as const)]);
  } finally {
    ac.abort();
  }
}
