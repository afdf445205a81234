import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandRecord } from '../../src/commands/record.js';
import { CommandTracker } from '../../src/commands/tracker.js';
import { createLogger } from '../../src/log.js';
import { createTopics } from '../../src/subscriptions/pubsub.js';
import { eventually } from '../helpers/stack.js';

const log = createLogger({ secrets: () => [], level: 'error', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const config = { deadlineMs: {}, checkIntervalMs: 50, maxRecords: 3, retentionMs: 60_000 };

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
});
