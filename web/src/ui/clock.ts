import { useEffect, useState } from 'preact/hooks';

/** Relative ages ("seen 5 s ago") move on this often even when nothing in the fleet changes. */
const TICK_MS = 15_000;

const listeners = new Set<(now: number) => void>();
let timer: ReturnType<typeof setInterval> | undefined;

/** The current time, re-rendering the caller on one clock the whole page shares. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    listeners.add(setNow);
    timer ??= setInterval(() => {
      const t = Date.now();
      listeners.forEach((l) => l(t));
    }, TICK_MS);
    return () => {
      listeners.delete(setNow);
      if (!listeners.size) {
        clearInterval(timer);
        timer = undefined;
      }
    };
  }, []);
  return now;
}
