import { DashboardFleetDocument, DashboardViewerDocument, type DashboardFleetQuery } from '../generated/graphql.ts';
import { store } from '../state/store.ts';
import type { Card, SourceInfo } from '../state/types.ts';
import { onPartialErrors, request } from './http.ts';

/** Pages the cost limit allows at once; a fleet larger than this takes several requests. */
const PAGE = 100;

/** Reads every source and every device into the store. Answers whether some source failed to answer. Throws ApiError. */
async function readFleet(): Promise<{ partial: boolean }> {
  const read = store.beginRead();
  let partial = false;
  const off = onPartialErrors(() => (partial = true));
  try {
    let sources: SourceInfo[] = [];
    const devices: Card[] = [];
    let after: string | null = null;
    for (;;) {
      const data: DashboardFleetQuery = await request(DashboardFleetDocument, { first: PAGE, after, withSources: after === null });
      if (after === null) sources = data.sources ?? [];
      for (const e of data.devices?.edges ?? []) if (e?.node) devices.push(e.node);
      const info = data.devices?.pageInfo;
      // a cursor that does not move would loop forever
      if (!info?.hasNextPage || !info.endCursor || info.endCursor === after) break;
      after = info.endCursor;
    }
    store.replaceFleet(read, sources, devices);
    return { partial };
  } finally {
    off();
  }
}

let running: Promise<{ partial: boolean }> | null = null;
let again = false;

/**
 * One fleet read at a time: asked while one is in flight (a reconnect during the periodic read), it reads once more
 * after it, since the running read may have started before what the caller knows changed.
 */
export function loadFleet(): Promise<{ partial: boolean }> {
  if (running) {
    again = true;
    return running;
  }
  const go = async (): Promise<{ partial: boolean }> => {
    try {
      let result = await readFleet();
      while (again) {
        again = false;
        result = await readFleet();
      }
      return result;
    } finally {
      running = null;
      again = false;
    }
  };
  running = go();
  return running;
}

/** Who the key is: throws ApiError (unauthenticated / forbidden) when the key is missing, wrong or may not read. */
export async function loadViewer(): Promise<void> {
  const data = await request(DashboardViewerDocument);
  store.setViewer(data.viewer?.name ?? '', data.viewer?.scopes ?? []);
}
