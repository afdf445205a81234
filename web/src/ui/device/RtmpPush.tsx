import { useState } from 'preact/hooks';
import { disabledReason, pushRtmp, startRtmpPush, type ControlFailure } from '../../api/controls.ts';
import type { Card } from '../../state/types.ts';

/** Starts a push to an RTMP server; the URL's stream key never comes back (the API masks it). */
export function RtmpPush({ device, scopes }: { device: Card; scopes: ReadonlySet<string> }) {
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ControlFailure | null>(null);
  const why = disabledReason(pushRtmp, device, scopes);
  return (
    <form
      class="rtmp"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          setError(await startRtmpPush(device, url.trim()));
        } finally {
          setBusy(false);
        }
      }}
    >
      <input
        type="url"
        placeholder="rtmp://server/app/stream-key"
        aria-label="RTMP URL"
        data-testid="rtmp-url"
        value={url}
        disabled={why !== null}
        onInput={(e) => setUrl(e.currentTarget.value)}
      />
      <button type="submit" class={`btn${busy ? ' busy' : ''}`} data-testid={pushRtmp.id} disabled={why !== null || busy || !url.trim()} title={why ?? 'start pushing to this RTMP server'}>
        Push RTMP
      </button>
      {error && (
        <span class="control-error" role="alert" data-testid="control-error" data-error-type={error.type}>
          <b>{error.type}</b> {error.message}
        </span>
      )}
    </form>
  );
}
