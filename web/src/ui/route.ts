import { useEffect, useState } from 'preact/hooks';

export type Route = { kind: 'fleet' } | { kind: 'device'; id: string };

/** `#/` is the fleet, `#/device/<encoded global id>` a device page. */
export function parseRoute(hash: string): Route {
  const m = hash.match(/^#\/device\/(.+)$/);
  if (m) {
    try {
      return { kind: 'device', id: decodeURIComponent(m[1]!) };
    } catch {
      return { kind: 'fleet' };
    }
  }
  return { kind: 'fleet' };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => {
      setRoute(parseRoute(location.hash));
      window.scrollTo(0, 0);
    };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
