import type { SourceHealth } from '../model.js';

/** Tells listeners when a health's state or circuit changes (not on every call). */
export class HealthWatch {
  private readonly listeners = new Set<(h: SourceHealth) => void>();
  private last: string;

  constructor(private readonly read: () => SourceHealth) {
    this.last = HealthWatch.key(read());
  }

  private static key(h: SourceHealth): string {
    return `${h.state}:${h.circuitOpen}`;
  }

  subscribe(listener: (h: SourceHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Call after anything that may have changed health. */
  check(): void {
    const h = this.read();
    const key = HealthWatch.key(h);
    if (key === this.last) return;
    this.last = key;
    for (const l of this.listeners) l(h);
  }
}
