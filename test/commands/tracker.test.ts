import { aDevice } from '../fixtures/device.js';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandRecord } from '../../src/commands/record.js';
import { CommandTracker } from '../../src/commands/tracker.js';
import { createLogger } from '../../src/log.js';
import type { Device } from '../../src/model.js';
import { createTopics, onTopic } from '../../src/subscriptions/pubsub.js';
import { eventually } from '../helpers/stack.js';

const log = createLogger({ secrets: () => [], level: 'error', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const config = { deadlineMs: {}, checkIntervalMs: 50, readConcurrency: 4, maxRecords: 3, retentionMs: 60_000 };

/** A record as another replica announces it. */
const remote = (id: string, at: number, r: Partial<CommandRecord> = {}): CommandRecord => ({
  id,
  sourceId: 'cloud',
  deviceVendorId: 'd1',
  kind: 'startRecording',
  state: 'PENDING',
  issuedAt: new Date(at),
  confirmedAt: null,
  finishedAt: null,
  deadline: new Date(at + 1_000),
  observable: true,
  error: null,
  ...r,
});

/** The device a command goes to, as read before or after it. */
const device = (isRecording: boolean, observedAt = new Date()): Device =>
  aDevice({ sourceId: 'cloud', vendor: 'EPIPHAN_CLOUD', name: 'Chapel', isRecording, isStreaming: null, observedAt });

describe('CommandTracker records', () => {
  const pubsub = createTopics();
  let tracker: CommandTracker | null = null;
  afterEach(() => tracker?.close());

  it('keeps what other replicas announce, never undoing a finished state, newest first and at most maxRecords', async () => {
    tracker = new CommandTracker(config, new Map(), pubsub, log);
    const now = Date.now();
    pubsub.publish('commandChanged', remote('a', now - 40));
    pubsub.publish('commandChanged', remote('a', now - 40, { state: 'CONFIRMED', confirmedAt: new Date(now), finishedAt: new Date(now) }));
    // a late copy of the PENDING announcement (another path, out of order) changes nothing
    pubsub.publish('commandChanged', remote('a', now - 40));
    pubsub.publish('commandChanged', remote('b', now - 30, { kind: 'stopRecording' }));
    pubsub.publish('commandChanged', remote('c', now - 20, { deviceVendorId: 'd2' }));
    await eventually(async () => (await tracker!.list()).length === 3, 1000, 'three records');
    expect(tracker.get('a')?.state).toBe('CONFIRMED');
    expect((await tracker.list()).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect((await tracker.list({ kinds: ['stopRecording'] })).map((r) => r.id)).toEqual(['b']);
    expect((await tracker.list({ devices: [{ sourceId: 'cloud', vendorDeviceId: 'd2' }] })).map((r) => r.id)).toEqual(['c']);
    expect((await tracker.list({ states: ['CONFIRMED'] })).map((r) => r.id)).toEqual(['a']);

    pubsub.publish('commandChanged', remote('d', now - 10));
    await eventually(() => tracker!.get('d'), 1000, 'the fourth record');
    expect((await tracker.list()).map((r) => r.id)).toEqual(['d', 'c', 'b']);
  });

  it('shows a PENDING command whose watching replica went away as TIMED_OUT once its deadline is well past', async () => {
    tracker = new CommandTracker(config, new Map(), pubsub, log);
    const long = Date.now() - 10_000;
    pubsub.publish('commandChanged', remote('orphan', long));
    pubsub.publish('commandChanged', remote('fresh', Date.now()));
    await eventually(() => tracker!.get('fresh'), 1000, 'the records');
    expect(tracker.get('orphan')).toMatchObject({ state: 'TIMED_OUT', finishedAt: new Date(long + 1_000), error: { code: 'TIMED_OUT' } });
    expect(tracker.get('fresh')?.state).toBe('PENDING');
  });

  it('announces such an orphan TIMED_OUT once, as of its deadline, so subscribers see it end', async () => {
    tracker = new CommandTracker(config, new Map(), pubsub, log);
    const heard: CommandRecord[] = [];
    const stop = onTopic(pubsub, 'commandChanged', (r) => void heard.push(r));
    const of = (id: string) => heard.filter((r) => r.id === id).map((r) => r.state);
    try {
      const long = Date.now() - 10_000;
      pubsub.publish('commandChanged', remote('gone', long));
      await eventually(() => of('gone').includes('TIMED_OUT'), 1000, 'the orphan announced TIMED_OUT');
      // a second orphan, heard later, ends a tick or more later: by then the first has had its chance to repeat
      pubsub.publish('commandChanged', remote('gone-too', long));
      await eventually(() => of('gone-too').includes('TIMED_OUT'), 1000, 'the second orphan announced');
      expect(of('gone')).toEqual(['PENDING', 'TIMED_OUT']);
      expect(heard.find((r) => r.id === 'gone' && r.state === 'TIMED_OUT')).toMatchObject({ finishedAt: new Date(long + 1_000), error: { code: 'TIMED_OUT' } });
    } finally {
      stop();
    }
  });

  it('never drops a command it watches to make room: finished records go first, then those other replicas watch', async () => {
    tracker = new CommandTracker(config, new Map(), pubsub, log);
    const { command: mine } = await tracker.run({ sourceId: 'cloud', vendorDeviceId: 'd1', command: { type: 'startRecording' }, before: device(false) }, async () => ({}));
    expect(mine.state).toBe('PENDING');
    const now = Date.now();
    const done = { state: 'CONFIRMED' as const, confirmedAt: new Date(now), finishedAt: new Date(now) };
    pubsub.publish('commandChanged', remote('f1', now + 1, { ...done, deviceVendorId: 'd2' }));
    pubsub.publish('commandChanged', remote('p1', now + 2, { deviceVendorId: 'd2', deadline: new Date(now + 60_000) }));
    pubsub.publish('commandChanged', remote('f2', now + 3, { ...done, deviceVendorId: 'd2' }));
    pubsub.publish('commandChanged', remote('p2', now + 4, { deviceVendorId: 'd2', deadline: new Date(now + 60_000) }));
    pubsub.publish('commandChanged', remote('p3', now + 5, { deviceVendorId: 'd2', deadline: new Date(now + 60_000) }));
    await eventually(() => tracker!.get('p3'), 1000, 'the records');
    // five records for three places: both finished ones went, then the oldest other replicas watch; ours stayed
    expect((await tracker.list()).map((r) => r.id).sort()).toEqual(['p2', 'p3', mine.id].sort());
    expect(tracker.get('f1')).toBeNull();
    expect(tracker.get('p1')).toBeNull();
    // and a read showing its effect still confirms it
    tracker.observe('cloud', 'd1', device(true));
    expect(tracker.get(mine.id)?.state).toBe('CONFIRMED');
  });
});
