import type { Connection } from './frames.js';

/** Work to do once per target: hand one result (or the end) to each subscriber of a shared subscription. */
export interface FanOutJob {
  size: number;
  run(index: number): void;
  /** Called once every target has been served. */
  done?(): void;
}

/** How often the clock is read while a slice runs. */
const CLOCK_EVERY = 32;

/**
 * Runs fan-out jobs in order, in slices of at most `sliceMs`, with a turn of the event loop between slices so
 * timers and I/O (the pollers' reads) are not held up while thousands of frames go out. Jobs wait for the next
 * turn rather than running as they come, so the results of one event for many subscriptions go out together.
 * A connection written to in a slice is held (corked) until the slice ends: its frames leave in one write.
 */
export class FanOut {
  private readonly jobs: FanOutJob[] = [];
  /** Targets of the first job already served. */
  private cursor = 0;
  private scheduled = false;
  private readonly held = new Set<Connection>();

  constructor(private readonly sliceMs = 4) {}

  enqueue(job: FanOutJob): void {
    if (job.size === 0) return job.done?.();
    this.jobs.push(job);
    this.schedule();
  }

  /** Sends a frame within the running slice. */
  send(connection: Connection, frame: string): void {
    if (!this.held.has(connection)) {
      connection.hold();
      this.held.add(connection);
    }
    connection.send(frame);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.slice());
  }

  private slice(): void {
    this.scheduled = false;
    const until = performance.now() + this.sliceMs;
    let served = 0;
    try {
      while (this.jobs.length > 0) {
        const job = this.jobs[0]!;
        while (this.cursor < job.size) {
          job.run(this.cursor++);
          if (++served % CLOCK_EVERY === 0 && performance.now() >= until) return;
        }
        this.jobs.shift();
        this.cursor = 0;
        job.done?.();
      }
    } finally {
      for (const c of this.held) c.release();
      this.held.clear();
      if (this.jobs.length > 0) this.schedule();
    }
  }
}
