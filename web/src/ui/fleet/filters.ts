import type { Card } from '../../state/types.ts';

export interface Filters {
  vendor: string;
  state: '' | 'ONLINE' | 'OFFLINE' | 'RECORDING' | 'STREAMING';
  name: string;
}

export const NO_FILTERS: Filters = { vendor: '', state: '', name: '' };

export function matches(d: Card, f: Filters): boolean {
  if (f.vendor && d.vendor !== f.vendor) return false;
  if (f.state === 'ONLINE' && d.connection !== 'ONLINE') return false;
  if (f.state === 'OFFLINE' && d.connection !== 'OFFLINE') return false;
  if (f.state === 'RECORDING' && d.isRecording !== true) return false;
  if (f.state === 'STREAMING' && d.isStreaming !== true) return false;
  const q = f.name.trim().toLowerCase();
  return !q || (d.name ?? '').toLowerCase().includes(q);
}

export interface Counts {
  total: number;
  online: number;
  offline: number;
  recording: number;
  streaming: number;
}

export function count(devices: Iterable<Card>): Counts {
  const c: Counts = { total: 0, online: 0, offline: 0, recording: 0, streaming: 0 };
  for (const d of devices) {
    c.total++;
    if (d.connection === 'ONLINE') c.online++;
    if (d.connection === 'OFFLINE') c.offline++;
    if (d.isRecording === true) c.recording++;
    if (d.isStreaming === true) c.streaming++;
  }
  return c;
}
