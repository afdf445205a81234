import { bulkhead, type BulkheadPolicy } from 'cockatiel';

/**
 * One bulkhead per source for every fleet command of this process: concurrent fleet commands share it, so a
 * vendor never has more than `limit` of their calls in flight from here, however many commands run at once.
 */
export class SourceGates {
  private readonly gates = new Map<string, BulkheadPolicy>();

  constructor(private readonly limit: number) {}

  of(sourceId: string): BulkheadPolicy {
    let gate = this.gates.get(sourceId);
    // the queue is bounded by the commands themselves (fleetCommands.maxDevices each)
    if (!gate) this.gates.set(sourceId, (gate = bulkhead(this.limit, Infinity)));
    return gate;
  }
}
