import type { Card, RecordingRow, Snap, SourceInfo, StreamInfo, Summary } from './types.ts';

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
  /** HTTP errors and partial errors, newest last */
  notices: { id: number; text: string }[];
}

const MAX_RECORDINGS = 200;
const MAX_NOTICES = 4;

/**
 * The one copy of the fleet the page shows. Live events and control results update it in place; the fleet query
 * fills it (at start and after a reconnect). Each change makes a new state object so Preact sees it.
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
  };
  private readonly listeners = new Set<() => void>();
  private noticeSeq = 0;

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

  notice(text: string): void {
    if (this.state.notices.some((n) => n.text === text)) return;
    this.set({ notices: [...this.state.notices, { id: ++this.noticeSeq, text }].slice(-MAX_NOTICES) });
  }

  dismiss(id: number): void {
    this.set({ notices: this.state.notices.filter((n) => n.id !== id) });
  }

  /** A fresh read of the fleet replaces what was known (devices gone since are dropped). */
  replaceFleet(sources: SourceInfo[], devices: Card[]): void {
    const next = new Map<string, Card>();
    for (const d of devices) next.set(d.id, d);
    this.set({ loaded: true, sources: new Map(sources.map((s) => [s.id, s])), devices: next });
  }

  upsertSource(s: SourceInfo): void {
    const sources = new Map(this.state.sources);
    sources.set(s.id, s);
    this.set({ sources });
  }

  /** A full card (deviceChanged, device page) or a control's summary merged over what is known. */
  upsertDevice(d: Card | Summary): void {
    if (!d?.id) return;
    const prev = this.state.devices.get(d.id);
    if (!prev && !('capabilities' in d)) return;
    const devices = new Map(this.state.devices);
    devices.set(d.id, { ...prev, ...d } as Card);
    this.set({ devices });
  }

  patchDevice(id: string, patch: (d: Card) => Partial<Card>): void {
    const prev = this.state.devices.get(id);
    if (!prev) return;
    const devices = new Map(this.state.devices);
    devices.set(id, { ...prev, ...patch(prev) });
    this.set({ devices });
  }

  upsertStream(s: StreamInfo, isStreaming?: boolean): void {
    if (!s.device?.id) return;
    this.patchDevice(s.device.id, (d) => {
      const known = d.streams ?? [];
      const streams = known.some((x) => x.id === s.id) ? known.map((x) => (x.id === s.id ? { ...x, ...s } : x)) : [...known, s];
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
