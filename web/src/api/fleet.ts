import { DashboardFleetDocument, DashboardViewerDocument, type DashboardFleetQuery } from '../../../operations/generated/graphql.ts';
import { store } from '../state/store.ts';
import type { Card, SourceInfo } from '../state/types.ts';
import { request } from './http.ts';

/** Pages the cost limit allows at once; a fleet larger than this takes several requests. */
const PAGE = 100;

/** Reads every source and every device and replaces the store's copy. Throws ApiError. */
export async function loadFleet(): Promise<void> {
  let sources: SourceInfo[] = [];
  const devices: Card[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const data: DashboardFleetQuery = await request(DashboardFleetDocument, { first: PAGE, after });
    if (page === 0) sources = data.sources ?? [];
    for (const e of data.devices?.edges ?? []) if (e?.node) devices.push(e.node);
    const info = data.devices?.pageInfo;
    if (!info?.hasNextPage || !info.endCursor) break;
    after = info.endCursor;
  }
  store.replaceFleet(sources, devices);
}

/** Who the key is: throws ApiError (unauthenticated / forbidden) when the key is missing, wrong or may not read. */
export async function loadViewer(): Promise<void> {
  const data = await request(DashboardViewerDocument);
  store.setViewer(data.viewer?.name ?? '', data.viewer?.scopes ?? []);
}
