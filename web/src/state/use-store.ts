import { useEffect, useState } from 'preact/hooks';
import { store, type FleetState } from './store.ts';

/** The store's state, re-rendering the component on every change. */
export function useFleet(): FleetState {
  const [state, setState] = useState(store.get());
  useEffect(() => {
    setState(store.get());
    return store.subscribe(() => setState(store.get()));
  }, []);
  return state;
}
