import { useState } from 'preact/hooks';
import type { ControlFailure } from '../api/controls.ts';

/** A control's typed error beside it: the GraphQL type (data-error-type) and the message. */
export function ControlError({ error, control }: { error: ControlFailure | null; control?: string }) {
  if (!error) return null;
  return (
    <span class="control-error" role="alert" data-testid="control-error" data-error-type={error.type} data-control={control}>
      <b>{error.type}</b> {error.message}
    </span>
  );
}

/** A control's click: busy while in flight, its failure kept until the next try. */
export function useControl(action: () => Promise<ControlFailure | null>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ControlFailure | null>(null);
  const fire = async () => {
    setBusy(true);
    setError(null);
    try {
      setError(await action());
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, fire };
}
