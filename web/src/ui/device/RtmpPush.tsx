import { useState } from 'preact/hooks';
import { disabledReason, pushRtmp, runStartStream } from '../../api/controls.ts';
import type { Card } from '../../state/types.ts';
import { ControlError, useControl } from '../ControlError.tsx';

/** Starts a push to an RTMP server; the URL's stream key never comes back (the API masks it). */
export function RtmpPush({ device, scopes }: { device: Card; scopes: ReadonlySet<string> }) {
  const [url, setUrl] = useState('');
  const { busy, error, fire } = useControl(() => runStartStream(device, url.trim()));
  const why = disabledReason(pushRtmp, device, scopes);
  return (
    <form
      class="rtmp"
      onSubmit={(e) => {
        e.preventDefault();
        void fire();
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
      <ControlError error={error} control={pushRtmp.id} />
    </form>
  );
}
