import type { Card, RecordingRow, Snap, SourceInfo, StreamInfo, Summary } from './types.ts';

/** A stream as an event or a control reports it: what it lacks stays as known. */
export type StreamUpdate = Pick<StreamInfo, 'id' | 'protocol' | 'direction' | 'state' | 'url' | 'device'> & Partial<StreamInfo>;

/** The copy observed later (Device.observedAt); `next` on a tie or when either lacks the time. */
function newer(prev: Card | undefined, next: Card): Card {
  if (!prev?.observedAt || !next.observedAt) return next;
  return Date.parse(prev.observedAt) > Date.parse(next.observedAt) ? prev : next;
}

export type ConnState = 'connecting' | 'connected' | 'offline';

export interface FleetState {
  loaded: boolean;
  sources: Map<string, SourceInfo>;
  devices: Map<string, Card>;
  /** recordings the subscription announced since the page opened, newest first */
  recordingsAdded: RecordingRow[];
  conn: ConnState;
  scopes: Set<string>;
  viewerName: string | null;
  /** HTTP errors and partial errors, newest last; `key` names the condition whose end clears it */
  notices: Notice[];
  /** live updates that stopped and are being retried, by name: the header says so */
  pausedFeeds: ReadonlySet<string>;
}

export interface Notice {
  id: number;
  key: string;
  text: string;
}

/** Reading a fleet: what changed in the store while the read was in flight must survive its answer. */
export interface FleetRead {
  readonly since: number;
}

const MAX_RECORDINGS = 200;
const MAX_NOTICES = 4;

/**
 * The one copy of the fleet the page shows. Live events and control results update it in place; the fleet query
 * fills it (at start, after a reconnect and now and then). Each change makes a new state object so Preact sees it.
 */
class Store {
  private state: FleetState = {
    loaded: false,
    sources: new Map(),
    devices: new Map(),
    recordingsAdded: [],
    conn: 'connecting',
    scopes: new Set(),
    viewerName: null,
    notices: [],
    pausedFeeds: new Set(),
  };
  private readonly listeners = new Set<() => void>();
  private noticeSeq = 0;
  /** each device's and source's last change by an event or a control, numbered by `changes` */
  private changes = 0;
  private readonly touched = new Map<string, number>();

  get(): FleetState {
    return this.state;
  }

  subscribe(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private set(patch: Partial<FleetState>): void {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((l) => l());
  }

  setConn(conn: ConnState): void {
    if (conn !== this.state.conn) this.set({ conn });
  }

  setViewer(name: string, scopes: readonly string[]): void {
    this.set({ viewerName: name, scopes: new Set(scopes) });
  }

  /** Shows `text` until `clear(key)` (the condition it reports is over) or the user dismisses it. */
  notice(text: string, key = text): void {
    if (this.state.notices.some((n) => n.key === key && n.text === text)) return;
    const rest = this.state.notices.filter((n) => n.key !== key);
    this.set({ notices: [...rest, { id: ++this.noticeSeq, key, text }].slice(-MAX_NOTICES) });
  }

  /** Clears the notices whose key is `key` or starts with `key` followed by ':'. */
  clear(key: string): void {
    const notices = this.state.notices.filter((n) => n.key !== key && !n.key.startsWith(`${key}:`));
    if (notices.length !== this.state.notices.length) this.set({ notices });
  }

  dismiss(id: number): void {
    this.set({ notices: this.state.notices.filter((n) => n.id !== id) });
  }

  setFeedPaused(name: string, paused: boolean): void {
    if (this.state.pausedFeeds.has(name) === paused) return;
    const pausedFeeds = new Set(this.state.pausedFeeds);
    if (paused) pausedFeeds.add(name);
    else pausedFeeds.delete(name);
    this.set({ pausedFeeds });
  }

  /** Marks the start of a fleet read: changes from now on win over its answer. */
  beginRead(): FleetRead {
    return { since: this.changes };
  }

  private touch(id: string): void {
    this.touched.set(id, ++this.changes);
  }

  private changedSince(id: string, read: FleetRead): boolean {
    return (this.touched.get(id) ?? -1) > read.since;
  }

  /**
   * A fresh read of the fleet replaces what was known (devices gone since are dropped), except what events and
   * controls changed while it was in flight, and any device whose known copy was observed later than the read's.
   */
  replaceFleet(read: FleetRead, sources: SourceInfo[], devices: Card[]): void {
    const next = new Map<string, Card>();
    for (const d of devices) {
      const known = this.state.devices.get(d.id);
      next.set(d.id, known && this.changedSince(d.id, read) ? known : newer(known, d));
    }
    for (const [id, d] of this.state.devices) if (!next.has(id) && this.changedSince(id, read)) next.set(id, d);
    const nextSources = new Map(sources.map((s) => [s.id, this.changedSince(s.id, read) ? (this.state.sources.get(s.id) ?? s) : s]));
    for (const [id, s] of this.state.sources) if (!nextSources.has(id) && this.changedSince(id, read)) nextSources.set(id, s);
    this.set({ loaded: true, sources: nextSources, devices: next });
  }

  upsertSource(s: SourceInfo): void {
    this.touch(s.id);
    const sources = new Map(this.state.sources);
    sources.set(s.id, s);
    this.set({ sources });
  }

  /** A full card (deviceChanged, device page) or a control's summary merged over what is known, unless older. */
  upsertDevice(d: Card | Summary): void {
    if (!d?.id) return;
    const prev = this.state.devices.get(d.id);
    if (!prev && !('capabilities' in d)) return;
    const merged = { ...prev, ...d } as Card;
    const next = prev ? newer(prev, merged) : merged;
    if (next === prev) return;
    this.touch(d.id);
    const devices = new Map(this.state.devices);
    devices.set(d.id, next);
    this.set({ devices });
  }

  patchDevice(id: string, patch: (d: Card) => Partial<Card>): void {
    const prev = this.state.devices.get(id);
    if (!prev) return;
    this.touch(id);
    const devices = new Map(this.state.devices);
    devices.set(id, { ...prev, ...patch(prev) });
    this.set({ devices });
  }

  /** A stream's change merged over the known stream (fields it lacks are kept), or added. */
  upsertStream(s: StreamUpdate, isStreaming?: boolean): void {
    const deviceId = s.device?.id;
    if (!deviceId) return;
    this.patchDevice(deviceId, (d) => {
      const known = d.streams ?? [];
      const streams = known.some((x) => x.id === s.id)
        ? known.map((x) => (x.id === s.id ? { ...x, ...s } : x))
        : [...known, { startedAt: null, bitrateKbps: null, health: null, ...s }];
      return isStreaming === undefined ? { streams } : { streams, isStreaming };
    });
  }

  setSnapshot(deviceId: string, snap: Snap): void {
    this.patchDevice(deviceId, (d) => {
      const prevTime = d.latestSnapshot?.takenAt ?? '';
      // an older snapshot (a backfill or an archive write) does not replace the newest one
      return snap.takenAt && prevTime && snap.takenAt < prevTime ? {} : { latestSnapshot: snap };
    });
  }

  addRecording(r: RecordingRow): void {
    const rest = this.state.recordingsAdded.filter((x) => x.id !== r.id);
    this.set({ recordingsAdded: [r, ...rest].slice(0, MAX_RECORDINGS) });
  }
}

export const store = new Store();
