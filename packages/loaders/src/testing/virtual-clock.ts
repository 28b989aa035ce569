import type { Clock } from '../clock.js';

/**
 * A clock that only moves when told to. `sleep` first lets pending I/O settle (one macrotask turn), then jumps
 * forward, unless aborted meanwhile; `advance` jumps at once. Models subscribe with onAdvance to run their own
 * timers (a bootloader's timeout) against it.
 */
export class VirtualClock implements Clock {
  private t: number;
  private readonly listeners = new Set<(now: number) => void>();

  constructor(startMs = 0) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal?.aborted) return;
    this.advance(ms);
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot move a clock back (${ms} ms)`);
    this.t += ms;
    for (const l of [...this.listeners]) l(this.t);
  }

  onAdvance(listener: (now: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
