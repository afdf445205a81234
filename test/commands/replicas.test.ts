import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, Stack, eventually } from '../helpers/stack.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const START = `mutation($id:ID!){ r: startRecording(deviceId:$id) { __typename ... on StartRecordingSuccess { command { id state } } } }`;
const COMMANDS = `query($f:CommandFilter){ commands(filter:$f) { edges { node { id state kind deviceId } } } }`;

/**
 * Replicas sharing a Redis, each in front of its own simulator of the same account (device ids are the same):
 * what one replica sent, the others list, resolve and announce.
 */
describe('tracked commands across replicas sharing a Redis', () => {
  const prefix = `avgraph-commands-${randomBytes(4).toString('hex')}`;
  const config = { redisUrl: REDIS_URL, redisPrefix: prefix, commands: { deadlineMs: { startRecording: 600, stopRecording: 600 }, checkIntervalMs: 50 } };
  const a = new Stack({ fleetSize: 3, config });
  const b = new Stack({ fleetSize: 3, config });
  const late = new Stack({ fleetSize: 3, config });
  const probe = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  const redisUp = (s: Stack) => eventually(async () => ((await (await fetch(`${s.url}/ready`)).json()) as { redis: string }).redis === 'up', 5000, 'Redis up');
  const list = async (s: Stack, f: Record<string, unknown>) => (await s.gql(COMMANDS, { f })).data.commands.edges.map((e: any) => e.node);

  beforeAll(async () => {
    await probe.ping();
    await Promise.all([a.start(), b.start()]);
    await Promise.all([redisUp(a), redisUp(b)]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close(), late.close()]);
    const keys = await probe.keys(`${prefix}*`);
    if (keys.length) await probe.del(...keys);
    await probe.quit();
  });

  it('a command sent through one replica is announced, listed and resolved on the others, also on one started later', async () => {
    const dev = (await a.deviceIds('cloud')).find((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo_'))!;
    const events: any[] = [];
    const client = b.wsClient(KEYS.reader);
    client.subscribe(
      { query: `subscription($f:CommandFilter){ commandChanged(filter:$f) { id state } }`, variables: { f: { deviceIds: [dev.id] } } },
      { next: (v) => void events.push(v.data?.commandChanged), error: () => undefined, complete: () => undefined },
    );
    // B's subscription is live once a command A sends reaches it
    await eventually(async () => {
      await a.gql(START, { id: dev.id });
      return events.length > 0;
    }, 5000, 'an event on B');
    const first = (await a.gql(START, { id: dev.id })).data.r.command;
    await eventually(() => events.some((e) => e.id === first.id && e.state === 'CONFIRMED'), 3000, 'the confirmation on B');
    expect(first.state).toBe('CONFIRMED');

    // a command the device never applies: B sees it PENDING, then TIMED_OUT (A watches it; B only hears)
    const cloudUrl = (a.config.sources.find((s) => s.id === 'cloud') as { baseUrl: string }).baseUrl;
    await fetch(`${cloudUrl}/__sim/ignoreTasks`, { method: 'POST', body: JSON.stringify({ deviceId: dev.vendorDeviceId, count: 1 }) });
    await a.gql(`mutation($id:ID!){ stopRecording(deviceId:$id) { __typename } }`, { id: dev.id });
    const stuck = await eventually(async () => {
      const [c] = await list(b, { deviceIds: [dev.id], kinds: ['STOP_RECORDING'], states: ['TIMED_OUT'] });
      return c;
    }, 5000, 'the timed-out command on B');
    // the record (Redis) may be read before the event (pub/sub) arrives: wait for the event, then check there was one of each
    await eventually(() => events.some((e) => e.id === stuck.id && e.state === 'TIMED_OUT'), 3000, 'TIMED_OUT announced on B');
    expect(events.filter((e) => e.id === stuck.id).map((e) => e.state)).toEqual(['PENDING', 'TIMED_OUT']);

    const node = await b.gql(`query($id:ID!){ node(id:$id) { ... on Command { id state } } }`, { id: stuck.id });
    expect(node.data.node).toEqual({ id: stuck.id, state: 'TIMED_OUT' });

    // a replica that was not running then finds both through Redis
    await late.start();
    await redisUp(late);
    const onLate = await list(late, { deviceIds: [dev.id] });
    expect(onLate.map((c: any) => [c.id, c.state])).toEqual(expect.arrayContaining([[first.id, 'CONFIRMED'], [stuck.id, 'TIMED_OUT']]));
    expect((await late.gql(`query($id:ID!){ node(id:$id) { ... on Command { state } } }`, { id: first.id })).data.node).toEqual({ state: 'CONFIRMED' });
  });
});

/** The replica watching a command goes away before it ends: the others still tell their subscribers, once. */
describe('a tracked command whose watching replica died', () => {
  const prefix = `avgraph-orphans-${randomBytes(4).toString('hex')}`;
  const config = { redisUrl: REDIS_URL, redisPrefix: prefix, commands: { deadlineMs: { startRecording: 1_500 }, checkIntervalMs: 50 } };
  const watcher = new Stack({ fleetSize: 3, config });
  const b = new Stack({ fleetSize: 3, config });
  const c = new Stack({ fleetSize: 3, config });
  const probe = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  const redisUp = (s: Stack) => eventually(async () => ((await (await fetch(`${s.url}/ready`)).json()) as { redis: string }).redis === 'up', 5000, 'Redis up');

  beforeAll(async () => {
    await probe.ping();
    await Promise.all([watcher.start(), b.start(), c.start()]);
    await Promise.all([redisUp(watcher), redisUp(b), redisUp(c)]);
  });
  afterAll(async () => {
    await Promise.all([watcher.close(), b.close(), c.close()]);
    const keys = await probe.keys(`${prefix}*`);
    if (keys.length) await probe.del(...keys);
    await probe.quit();
  });

  it('is announced TIMED_OUT exactly once by one of the replicas that heard of it', async () => {
    const dev = (await watcher.deviceIds('cloud')).find((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo_'))!;
    const events: any[] = [];
    const client = b.wsClient(KEYS.reader);
    client.subscribe(
      { query: `subscription($f:CommandFilter){ commandChanged(filter:$f) { id kind state deadline finishedAt error { code } } }`, variables: { f: { deviceIds: [dev.id] } } },
      { next: (v) => void events.push(v.data?.commandChanged), error: () => undefined, complete: () => undefined },
    );
    // B's subscription is live once a command the watcher sends reaches it (a stop on a device not recording confirms at once)
    await eventually(async () => {
      await watcher.gql(`mutation($id:ID!){ stopRecording(deviceId:$id) { __typename } }`, { id: dev.id });
      return events.length > 0;
    }, 5000, 'an event on B');

    const cloudUrl = (watcher.config.sources.find((s) => s.id === 'cloud') as { baseUrl: string }).baseUrl;
    await fetch(`${cloudUrl}/__sim/ignoreTasks`, { method: 'POST', body: JSON.stringify({ deviceId: dev.vendorDeviceId, count: 1 }) });
    await watcher.gql(`mutation($id:ID!){ startRecording(deviceId:$id) { __typename } }`, { id: dev.id });
    const pending = await eventually(() => events.find((e) => e.kind === 'START_RECORDING'), 3000, 'the PENDING command on B');
    expect(pending.state).toBe('PENDING');
    // C has heard of it too: both may time it out, one does
    await eventually(async () => (await c.gql(`query($id:ID!){ node(id:$id) { ... on Command { state } } }`, { id: pending.id })).data.node?.state === 'PENDING', 3000, 'C to know it');
    await watcher.close();

    await eventually(() => events.some((e) => e.id === pending.id && e.state === 'TIMED_OUT'), 5000, 'TIMED_OUT on B');
    // a repeat (the other replica's) would come within a check interval: later commands' confirmations arrive after it
    const after = events.length;
    await eventually(async () => {
      await b.gql(`mutation($id:ID!){ stopRecording(deviceId:$id) { __typename } }`, { id: dev.id });
      return events.slice(after).filter((e) => e.state === 'CONFIRMED').length >= 3;
    }, 5000, 'later events on B');
    expect(events.filter((e) => e.id === pending.id).map((e) => [e.state, e.error?.code ?? null])).toEqual([
      ['PENDING', null],
      ['TIMED_OUT', 'TIMED_OUT'],
    ]);
    // ended as of its deadline: by a replica that found it orphaned, not by the watcher (which ends it when it notices)
    const ended = events.find((e) => e.id === pending.id && e.state === 'TIMED_OUT');
    expect(ended.finishedAt).toBe(ended.deadline);
    expect((await c.gql(`query($id:ID!){ node(id:$id) { ... on Command { state } } }`, { id: pending.id })).data.node).toEqual({ state: 'TIMED_OUT' });
  });
});
