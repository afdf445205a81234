import { useEffect, useState } from 'preact/hooks';
import { loadFleet, loadViewer } from '../api/fleet.ts';
import { ApiError, onPartialErrors } from '../api/http.ts';
import { getKey, setKey } from '../api/key.ts';
import { startLive } from '../api/live.ts';
import { store } from '../state/store.ts';
import { useFleet } from '../state/use-store.ts';
import { DevicePage } from './device/DevicePage.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { FleetPage } from './fleet/FleetPage.tsx';
import { Header } from './Header.tsx';
import { KeyForm } from './KeyForm.tsx';
import { Notices } from './Notices.tsx';
import { useRoute } from './route.ts';

/** Signed /media URLs live about ten minutes: a periodic read keeps fresh ones at hand and heals any drift. */
const REFRESH_MS = 5 * 60_000;
const BOOT_RETRY_MS = 5000;
/** After a reconnect the screens a server restart dropped read the fleet spread over this long, not all at once. */
const RECONNECT_SPREAD_MS = 1000;
/** How long the first fleet read waits for the socket. */
const FIRST_READ_WAIT_MS = 2000;

type Phase = { kind: 'booting' } | { kind: 'need-key'; error: string | null } | { kind: 'ready' };

export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'booting' });
  const [attempt, setAttempt] = useState(0);
  const fleet = useFleet();
  const route = useRoute();

  useEffect(() => onPartialErrors((messages) => messages.forEach((m) => store.notice(m, `partial:${m}`))), []);

  useEffect(() => {
    let live: { stop(): void } | null = null;
    let cancelled = false;
    let refresh: ReturnType<typeof setInterval> | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let catchUp: ReturnType<typeof setTimeout> | undefined;

    const authFailed = (e: ApiError) => {
      live?.stop();
      live = null;
      clearInterval(refresh);
      clearTimeout(catchUp);
      store.setConn('offline');
      const refused = e.kind === 'forbidden' ? 'This key may not read the fleet (it lacks the "read" scope).' : 'The server refused this key.';
      setPhase({ kind: 'need-key', error: getKey() ? refused : null });
      setKey(null);
    };
    const fetchFleet = () =>
      loadFleet().then(
        ({ partial }) => {
          store.clear('fleet');
          // every source answered: what the earlier partial errors reported is over
          if (!partial) store.clear('partial');
        },
        (e: unknown) => {
          if (e instanceof ApiError && e.isAuth) authFailed(e);
          else store.notice(`Reading the fleet failed: ${(e as Error).message}`, 'fleet');
        },
      );

    loadViewer().then(
      () => {
        if (cancelled) return;
        store.clear('boot');
        setPhase({ kind: 'ready' });
        // the first read once the socket is up: an event during the read then lands after it, not before it and lost
        let read = false;
        let readWithoutLink = false;
        const firstRead = (withoutLink: boolean) => {
          if (read) return;
          read = true;
          readWithoutLink = withoutLink;
          clearTimeout(catchUp);
          void fetchFleet();
        };
        live = startLive({
          onAuthLost: () => authFailed(new ApiError('unauthenticated', 'the live connection was refused')),
          onConnected: (again) => {
            if (!read) return firstRead(false);
            if (!again && !readWithoutLink) return;
            readWithoutLink = false;
            clearTimeout(catchUp);
            catchUp = setTimeout(() => void fetchFleet(), Math.random() * RECONNECT_SPREAD_MS);
          },
        });
        // without a socket (a proxy refusing WebSockets) the page still shows the fleet
        catchUp = setTimeout(() => firstRead(true), FIRST_READ_WAIT_MS);
        refresh = setInterval(() => void fetchFleet(), REFRESH_MS);
      },
      (e: unknown) => {
        if (cancelled) return;
        if (e instanceof ApiError && e.isAuth) return authFailed(e);
        store.notice(`avgraph is not answering (${(e as Error).message}); retrying…`, 'boot');
        retry = setTimeout(() => setAttempt((n) => n + 1), BOOT_RETRY_MS);
      },
    );
    return () => {
      cancelled = true;
      live?.stop();
      clearInterval(refresh);
      clearTimeout(retry);
      clearTimeout(catchUp);
    };
  }, [attempt]);

  const submitKey = (key: string) => {
    setKey(key);
    setPhase({ kind: 'booting' });
    setAttempt((n) => n + 1);
  };

  return (
    <div class="app">
      <Header fleet={fleet} />
      <Notices notices={fleet.notices} />
      {phase.kind === 'need-key' && <KeyForm error={phase.error} onSubmit={submitKey} />}
      {phase.kind === 'booting' && <p class="muted pad">Connecting to avgraph…</p>}
      {phase.kind === 'ready' && (
        <ErrorBoundary resetKey={route.kind === 'device' ? route.id : 'fleet'}>
          {route.kind === 'device' ? <DevicePage id={route.id} fleet={fleet} /> : <FleetPage fleet={fleet} />}
        </ErrorBoundary>
      )}
    </div>
  );
}
