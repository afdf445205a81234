import type { AvgraphConfig } from '../config.js';
import type { Logger } from '../log.js';
import type { RedisLink } from '../subscriptions/redis-link.js';
import { SourceGates } from './gates.js';
import { RedisFleetLog } from './progress-log.js';
import { FleetRuns, RETAIN_MS } from './registry.js';

/** What fleet commands of one process share: their runs (and progress, through Redis) and each source's bulkhead. */
export interface FleetState {
  runs: FleetRuns;
  gates: SourceGates;
}

export function createFleetState(config: AvgraphConfig, link: RedisLink | undefined, log: Logger): FleetState {
  const shared = link ? new RedisFleetLog(link, config.redisPrefix, RETAIN_MS, log) : null;
  return { runs: new FleetRuns(shared), gates: new SourceGates(config.fleetCommands.concurrencyPerSource) };
}
