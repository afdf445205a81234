import { useState } from 'preact/hooks';
import type { FleetState } from '../../state/store.ts';
import type { Card, RecordingRow, SourceInfo } from '../../state/types.ts';
import { useNow } from '../clock.ts';
import { ago, VENDORS, vendorName } from '../format.ts';
import { DeviceCard } from './DeviceCard.tsx';
import { count, matches, NO_FILTERS, type Filters } from './filters.ts';

const STATES: [Filters['state'], string][] = [
  ['', 'any state'],
  ['ONLINE', 'online'],
  ['OFFLINE', 'offline'],
  ['RECORDING', 'recording'],
  ['STREAMING', 'streaming'],
];

/** Kept across visits to a device page and back. */
let lastFilters: Filters = NO_FILTERS;

export function FleetPage({ fleet }: { fleet: FleetState }) {
  const [filters, setFiltersState] = useState<Filters>(lastFilters);
  const setFilters = (f: Filters) => {
    lastFilters = f;
    setFiltersState(f);
  };
  useNow();
  const all = [...fleet.devices.values()];
  const c = count(all);
  const sections = groupBySource(fleet.sources, all);
  const lastEvents = new Map<string, RecordingRow>();
  for (const r of fleet.recordingsAdded) if (r.device?.id && !lastEvents.has(r.device.id)) lastEvents.set(r.device.id, r);
  return (
    <main class="fleet">
      <section class="counts" aria-label="fleet counts">
        <Count id="count-total" label="devices" value={c.total} />
        <Count id="count-online" label="online" value={c.online} tone="ok" />
        <Count id="count-offline" label="offline" value={c.offline} tone={c.offline ? 'bad' : ''} />
        <Count id="count-recording" label="recording" value={c.recording} tone={c.recording ? 'rec' : ''} />
        <Count id="count-streaming" label="streaming" value={c.streaming} tone={c.streaming ? 'live' : ''} />
      </section>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="filters">
        <select data-testid="filter-vendor" aria-label="vendor" value={filters.vendor} onChange={(e) => setFilters({ ...filters, vendor: e.currentTarget.value })}>
          <option value="">all vendors</option>
          {VENDORS.map((v) => (
            <option key={v} value={v}>
              {vendorName(v)}
            </option>
          ))}
        </select>
        <select
          data-testid="filter-state"
          aria-label="state"
          value={filters.state}
          onChange={(e) => setFilters({ ...filters, state: e.currentTarget.value as Filters['state'] })}
        >
          {STATES.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
        <input
          data-testid="filter-name"
          type="search"
          placeholder="name…"
          aria-label="name"
          value={filters.name}
          onInput={(e) => setFilters({ ...filters, name: e.currentTarget.value })}
        />
      </form>
      {!fleet.loaded && <p class="muted">Loading the fleet…</p>}
      {sections.map(({ source, devices }) => (
        <SourceSection
          key={source.id}
          source={source}
          devices={devices.filter((d) => matches(d, filters))}
          total={devices.length}
          scopes={fleet.scopes}
          lastEvents={lastEvents}
        />
      ))}
    </main>
  );
}

function Count({ id, label, value, tone = '' }: { id: string; label: string; value: number; tone?: string }) {
  return (
    <div class={`count ${tone}`}>
      <span class="count-value" data-testid={id}>
        {value}
      </span>
      <span class="count-label">{label}</span>
    </div>
  );
}

/** A section's source: one the server listed, or only named by its devices (its health then unknown). */
type SectionSource = Pick<SourceInfo, 'id' | 'name' | 'vendor'> & { health: SourceInfo['health'] | null };

/** Sources in the server's order; a device whose source the list lacks still gets a section. */
function groupBySource(sources: Map<string, SourceInfo>, devices: Card[]): { source: SectionSource; devices: Card[] }[] {
  const groups = new Map<string, { source: SectionSource; devices: Card[] }>();
  for (const s of sources.values()) groups.set(s.id, { source: s, devices: [] });
  for (const d of devices) {
    const sid = d.source?.id ?? 'unknown';
    let g = groups.get(sid);
    if (!g) {
      g = { source: { id: sid, name: d.source?.name ?? sid, vendor: d.vendor, health: null }, devices: [] };
      groups.set(sid, g);
    }
    g.devices.push(d);
  }
  return [...groups.values()];
}

interface SectionProps {
  source: SectionSource;
  devices: Card[];
  total: number;
  scopes: ReadonlySet<string>;
  lastEvents: Map<string, RecordingRow>;
}

function SourceSection({ source: s, devices, total, scopes, lastEvents }: SectionProps) {
  const state = s.health?.state ?? 'UNKNOWN';
  return (
    <section class={`source health-${state.toLowerCase()}`} data-testid="source" data-source-id={s.id} aria-label={s.name}>
      <header class="source-head">
        <h2>
          {s.name} <span class="muted">{vendorName(s.vendor)}</span>
        </h2>
        <span class={`health ${state.toLowerCase()}`} data-testid="source-health" data-state={state}>
          {state}
          {s.health?.circuitOpen ? ' · circuit open' : ''}
        </span>
        <span class="muted small">
          {devices.length === total ? `${total} devices` : `${devices.length} of ${total} devices`}
          {s.health?.latencyMs !== null && s.health?.latencyMs !== undefined ? ` · ${Math.round(s.health.latencyMs)} ms` : ''}
          {s.health?.lastSuccessAt ? ` · last answer ${ago(s.health.lastSuccessAt)}` : ''}
        </span>
      </header>
      {s.health?.lastError && (
        <p class="source-error" data-testid="source-error" role="status">
          {s.health.lastError}
        </p>
      )}
      {state === 'DOWN' && <p class="source-down">Source unreachable: the cards show the last known state.</p>}
      <div class="grid">
        {devices.map((d) => (
          <DeviceCard key={d.id} device={d} scopes={scopes} lastEvent={lastEvents.get(d.id)} />
        ))}
      </div>
    </section>
  );
}
