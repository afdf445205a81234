/**
 * Repeats a camera task while it is wanted: one loop per camera however many callers asked, each call
 * extending the deadline; `release` ends it early once the last holder lets go. Videoloft needs this for
 * live view (livecommand every 30 s) and triggered recordings (triggerevent every 15 s).
 */
export class TaskRepeater {
  private readonly loops = new Map<string, { until: number; holds: number; timer: NodeJS.Timeout; first: Promise<void> }>();

  constructor(
    private readonly everyMs: number,
    private readonly send: (key: string) => Promise<void>,
    private readonly onError: (key: string, e: unknown) => void,
  ) {}

  /** Keeps the task running for `key` until `forMs` from now (or longer if already wanted longer). */
  async hold(key: string, forMs: number): Promise<Date> {
    const until = Date.now() + forMs;
    const loop = this.loops.get(key);
    if (loop) {
      loop.until = Math.max(loop.until, until);
      loop.holds += 1;
      await loop.first;
      return new Date(loop.until);
    }
    const first = this.send(key);
    const timer = setInterval(() => this.tick(key), this.everyMs);
    timer.unref?.();
    this.loops.set(key, { until, holds: 1, timer, first });
    try {
      await first;
    } catch (e) {
      this.stop(key);
      throw e;
    }
    return new Date(until);
  }

  /** One holder lets go; the loop stops when none is left. */
  release(key: string): void {
    const loop = this.loops.get(key);
    if (!loop) return;
    loop.holds -= 1;
    if (loop.holds <= 0) this.stop(key);
  }

  until(key: string): Date | null {
    const loop = this.loops.get(key);
    return loop ? new Date(loop.until) : null;
  }

  activeLoops(): number {
    return this.loops.size;
  }

  private tick(key: string): void {
    const loop = this.loops.get(key);
    if (!loop) return;
    if (Date.now() >= loop.until) return this.stop(key);
    this.send(key).catch((e: unknown) => this.onError(key, e));
  }

  private stop(key: string): void {
    const loop = this.loops.get(key);
    if (!loop) return;
    clearInterval(loop.timer);
    this.loops.delete(key);
  }

  stopAll(): void {
    for (const key of [...this.loops.keys()]) this.stop(key);
  }
}
