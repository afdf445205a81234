/**
 * Per-source circuit breaker: opens after `threshold` consecutive failures, lets one probe through after
 * `cooldownMs`, closes again when that probe succeeds.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private probing = false;

  constructor(
    private readonly threshold = 5,
    private readonly cooldownMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get isOpen(): boolean {
    return this.openedAt !== null;
  }

  /** Whether a call may go out now; in half-open state only one probe at a time. */
  tryAcquire(): boolean {
    if (this.openedAt === null) return true;
    if (this.probing || this.now() - this.openedAt < this.cooldownMs) return false;
    this.probing = true;
    return true;
  }

  onSuccess(): void {
    this.failures = 0;
    this.openedAt = null;
    this.probing = false;
  }

  onFailure(): void {
    this.failures += 1;
    if (this.probing || this.failures >= this.threshold) this.openedAt = this.now();
    this.probing = false;
  }

  /** A call that went out but whose outcome says nothing about the upstream's health (e.g. a 404). */
  onNeutral(): void {
    if (this.probing) this.onSuccess();
  }
}
