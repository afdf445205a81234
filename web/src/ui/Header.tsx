import { useEffect, useState } from 'preact/hooks';
import { getKey, setKey } from '../api/key.ts';
import type { FleetState } from '../state/store.ts';

const CONN_LABEL = { connected: 'live', connecting: 'connecting…', offline: 'offline, reconnecting…' } as const;

export function Header({ fleet }: { fleet: FleetState }) {
  // a live link with some subscriptions ended by the server is not fully live: say which are being retried
  const paused = fleet.conn === 'connected' && fleet.pausedFeeds.size > 0;
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(t);
  }, []);
  return (
    <header class="top">
      <a class="brand" href="#/">
        avgraph <span class="muted">fleet</span>
      </a>
      <span
        class={`conn-state ${fleet.conn}${paused ? ' paused' : ''}`}
        data-testid="conn-state"
        data-state={fleet.conn}
        data-paused={paused ? [...fleet.pausedFeeds].join(',') : undefined}
        role="status"
        aria-live="polite"
      >
        <span class="dot" aria-hidden="true" />
        {CONN_LABEL[fleet.conn]}
        {paused ? ` (${[...fleet.pausedFeeds].join(', ')} updates paused)` : ''}
      </span>
      <span class="spacer" />
      {fleet.viewerName !== null && (
        <span class="viewer muted small" data-testid="viewer">
          {fleet.viewerName} · {[...fleet.scopes].map((s) => s.toLowerCase()).join(', ') || 'no scopes'}
        </span>
      )}
      {getKey() && (
        <button
          type="button"
          class="btn small"
          onClick={() => {
            setKey(null);
            location.reload();
          }}
        >
          Forget key
        </button>
      )}
      <time class="clock" dateTime={now.toISOString()}>
        {now.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })}
      </time>
    </header>
  );
}
