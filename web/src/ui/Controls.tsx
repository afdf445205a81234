import { disabledReason, type ControlSpec } from '../api/controls.ts';
import type { Card } from '../state/types.ts';
import { ControlError, useControl } from './ControlError.tsx';

interface Props {
  spec: ControlSpec;
  device: Card;
  scopes: ReadonlySet<string>;
  /** highlighted as the action that changes the device's current state */
  primary?: boolean;
}

/** One control: disabled by scope or capability (the title says why), busy while in flight, its typed error beside it. */
export function ControlButton({ spec, device, scopes, primary }: Props) {
  const { busy, error, fire } = useControl(() => spec.run(device));
  const why = disabledReason(spec, device, scopes);
  return (
    <span class="ctl">
      <button
        type="button"
        data-testid={spec.id}
        class={`btn${primary ? ' primary' : ''}${busy ? ' busy' : ''}`}
        disabled={why !== null || busy}
        aria-busy={busy}
        title={why ?? spec.label}
        onClick={fire}
      >
        {spec.label}
      </button>
      <ControlError error={error} control={spec.id} />
    </span>
  );
}

export function ControlRow({ specs, device, scopes }: { specs: ControlSpec[]; device: Card; scopes: ReadonlySet<string> }) {
  return (
    <div class="controls">
      {specs.map((s) => (
        <ControlButton key={s.id} spec={s} device={device} scopes={scopes} primary={isPrimary(s.id, device)} />
      ))}
    </div>
  );
}

function isPrimary(id: string, d: Card): boolean {
  if (id === 'ctl-start-recording') return d.isRecording === false;
  if (id === 'ctl-stop-recording') return d.isRecording === true;
  if (id === 'ctl-start-stream') return d.isStreaming === false;
  if (id === 'ctl-stop-stream') return d.isStreaming === true;
  return false;
}
