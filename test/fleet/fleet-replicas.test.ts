import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '../../src/log.js';
import { start, type Running } from '../../src/start.js';
import { KEYS, Stack } from '../helpers/stack.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const quiet = createLogger({ secrets: () => [], destination: new Writable({ write: (_c, _e, cb) => cb() }) });

describe('fleetCommandProgress across replicas sharing one Redis', () => {
  const prefix = `avgraph-fleet-${randomBytes(4).toString('hex')}`;
  const stack = new Stack({ fleetSize: 10, config: { redisUrl: REDIS_URL, redisPrefix: prefix } });
  let other: Running;

  beforeAll(async () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
    await redis.ping();
    await redis.quit();
    await stack.start();
    // a second replica over the same simulators and Redis: it runs nothing, it only relays progress
    other = await start({ config: stack.config, host: '127.0.0.1', port: 0, log: quiet });
  }, 20_000);

  afterAll(async () => {
    await other?.close();
    await stack.close();
  });

  it("hands a subscriber on another replica every device's outcome and the final event", async () => {
    const ids = (await stack.deviceIds('studio')).filter((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo')).map((d) => d.id);
    // slow vendor replies: the subscriber is listening long before the first device finishes
    stack.studio.server.setFaults({ latencyMs: 250 });
    try {
      const r = await stack.gql(
        `mutation($ids:[ID!]) { r: runFleetCommand(devices:{deviceIds:$ids}, command:{kind:START_RECORDING}, wait:false) { ... on FleetCommand { id total } } }`,
        { ids },
      );
      const id = r.data.r.id as string;
      const client = createClient({
        url: other.url.replace(/^http/, 'ws') + '/graphql',
        webSocketImpl: WebSocket,
        connectionParams: { Authorization: `Bearer ${KEYS.admin}` },
        retryAttempts: 0,
      });
      const events: any[] = [];
      await new Promise<void>((resolve, reject) => {
        client.subscribe(
          {
            query: `subscription($id:ID!){ fleetCommandProgress(id:$id){ done succeeded finishedAt result { deviceId finishedAt outcome { __typename ... on FleetDeviceSuccess { device { id isRecording } } } } } }`,
            variables: { id },
          },
          { next: (v) => void events.push(v.data!.fleetCommandProgress), error: reject, complete: resolve },
        );
      });
      await client.dispose();
      const results = events.filter((e) => !e.done);
      expect(results.map((e) => e.result.deviceId).sort()).toEqual([...ids].sort());
      for (const e of results) {
        expect(e.result.outcome).toEqual({ __typename: 'FleetDeviceSuccess', device: { id: e.result.deviceId, isRecording: true } });
        expect(Number.isNaN(Date.parse(e.result.finishedAt))).toBe(false);
      }
      expect(events.at(-1)).toMatchObject({ done: true, succeeded: ids.length, result: null });
    } finally {
      stack.studio.server.resetFaults();
    }
  });
});
