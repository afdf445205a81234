import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '../../src/log.js';
import { start, type Running } from '../../src/start.js';
import { KEYS, Stack, eventually } from '../helpers/stack.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const quiet = createLogger({ secrets: () => [], destination: new Writable({ write: (_c, _e, cb) => cb() }) });

describe('fleetCommandProgress across replicas sharing one Redis', () => {
  const prefix = `avgraph-fleet-${randomBytes(4).toString('hex')}`;
  // one device at a time per source: a command lasts long enough to subscribe in the middle of it
  const stack = new Stack({ fleetSize: 10, config: { redisUrl: REDIS_URL, redisPrefix: prefix, fleetCommands: { concurrencyPerSource: 1 } } });
  let other: Running;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
    await redis.ping();
    await stack.start();
    // a second replica over the same simulators and Redis: it runs nothing, it only relays progress
    other = await start({ config: stack.config, host: '127.0.0.1', port: 0, log: quiet });
  }, 20_000);

  afterAll(async () => {
    await other?.close();
    await stack.close();
    await redis?.quit();
  });

  const PROGRESS = `subscription($id:ID!){ fleetCommandProgress(id:$id){ done succeeded total finishedAt result { deviceId finishedAt outcome { __typename ... on FleetDeviceSuccess { device { id isRecording } } } } } }`;

  /** Follows a fleet command's progress on the other replica until the subscription ends; fails after a while instead of waiting forever. */
  async function followOnOther(id: string): Promise<{ events: any[]; errors: any[] }> {
    const client = createClient({
      url: other.url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${KEYS.admin}` },
      retryAttempts: 0,
    });
    const events: any[] = [];
    const errors: any[] = [];
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve, reject) => {
          client.subscribe(
            { query: PROGRESS, variables: { id } },
            {
              next: (v) => void (v.errors ? errors.push(...v.errors) : events.push(v.data!.fleetCommandProgress)),
              error: (e) => (Array.isArray(e) ? (errors.push(...e), resolve()) : reject(e)),
              complete: resolve,
            },
          );
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`fleetCommandProgress ${id} did not end; got ${JSON.stringify(events)}`)), 10_000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      await client.dispose();
    }
    return { events, errors };
  }

  const studioIds = async () =>
    (await stack.deviceIds('studio')).filter((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo')).map((d) => d.id);

  const run = async (ids: string[], kind: string, wait: boolean) =>
    (
      await stack.gql(
        `mutation($ids:[ID!], $kind: FleetCommandKind!, $wait: Boolean) { r: runFleetCommand(devices:{deviceIds:$ids}, command:{kind:$kind}, wait:$wait) { ... on FleetCommand { id total } } }`,
        { ids, kind, wait },
      )
    ).data.r as { id: string; total: number };

  function expectWholeStory(events: any[], ids: string[], isRecording: boolean) {
    const results = events.filter((e) => !e.done);
    expect(results.map((e) => e.result.deviceId).sort()).toEqual([...ids].sort());
    for (const e of results) {
      expect(e.result.outcome).toEqual({ __typename: 'FleetDeviceSuccess', device: { id: e.result.deviceId, isRecording } });
      expect(Number.isNaN(Date.parse(e.result.finishedAt))).toBe(false);
    }
    expect(results.map((e) => e.succeeded)).toEqual(ids.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ done: true, succeeded: ids.length, total: ids.length, result: null });
    expect(events).toHaveLength(ids.length + 1);
  }

  it("hands a subscriber on another replica every device's outcome and the final event, those before it came replayed from Redis", async () => {
    const ids = await studioIds();
    expect(ids.length).toBeGreaterThanOrEqual(4);
    stack.studio.server.setFaults({ latencyMs: 100 });
    try {
      const { id } = await run(ids, 'START_RECORDING', false);
      // subscribe once the first device has finished (its outcome is in Redis: the start, then one event)
      await eventually(async () => (await redis.llen(`${prefix}:fleet:${id}`)) >= 2, 5000, 'the first device to finish');
      const { events, errors } = await followOnOther(id);
      expect(errors).toEqual([]);
      expectWholeStory(events, ids, true);
    } finally {
      stack.studio.server.resetFaults();
    }
  });

  it('replays a finished fleet command to a subscriber on another replica, from Redis, and the subscription ends', async () => {
    const ids = await studioIds();
    const { id } = await run(ids, 'STOP_RECORDING', true);
    const { events, errors } = await followOnOther(id);
    expect(errors).toEqual([]);
    expectWholeStory(events, ids, false);
  });

  it('answers NOT_FOUND on a replica with Redis for a fleet command no replica ran', async () => {
    const { events, errors } = await followOnOther('no-such-fleet-command');
    expect(events).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0].extensions.code).toBe('NOT_FOUND');
  });
});
