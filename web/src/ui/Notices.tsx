import { store, type FleetState } from '../state/store.ts';

/** HTTP failures and partial errors (a source down while the others answered), dismissable. */
export function Notices({ notices }: { notices: FleetState['notices'] }) {
  if (!notices.length) return null;
  return (
    <div class="notices" role="status">
      {notices.map((n) => (
        <p key={n.id} class="banner" data-testid="error-banner">
          <span>{n.text}</span>
          <button type="button" class="btn small" onClick={() => store.dismiss(n.id)} aria-label="dismiss">
            ✕
          </button>
        </p>
      ))}
    </div>
  );
}
