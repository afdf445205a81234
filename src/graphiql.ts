import type { GraphiQLOptions } from 'graphql-yoga';

const DEVICE_WITH_RECORDINGS = `# One device and its latest recordings, with what a player needs.
query DeviceRecordings {
  devices(first: 1) {
    edges {
      node {
        id name vendor model connection isRecording
        recordings(first: 10) {
          edges { node { id startedAt endedAt durationSeconds status codec playback { hlsUrl mp4Url downloadUrl } } }
        }
      }
    }
  }
}
`;

const START_RECORDING = `# A control mutation: paste a device id (from the Fleet tab) into the variables below.
mutation StartRecording($deviceId: ID!) {
  startRecording(deviceId: $deviceId) {
    __typename
    ... on StartRecordingSuccess { device { id name isRecording } }
    ... on Error { message }
  }
}
`;

const DEVICE_CHANGED = `# Live changes over graphql-ws: run it, then start recording a device in the StartRecording tab.
subscription DeviceChanged {
  deviceChanged {
    at
    changedFields
    device { id name connection isRecording isStreaming }
  }
}
`;

/**
 * GraphiQL's options: the example tabs, and subscriptions over graphql-ws on /graphql rather than GraphiQL's default SSE.
 * The fleet query stays with the yoga setup, which owns it.
 */
export function graphiqlOptions(fleet: string): GraphiQLOptions {
  return {
    title: 'avgraph',
    defaultQuery: fleet,
    defaultTabs: [
      { query: fleet },
      { query: DEVICE_WITH_RECORDINGS },
      { query: START_RECORDING, variables: JSON.stringify({ deviceId: 'paste a device id' }, null, 2) },
      { query: DEVICE_CHANGED },
    ],
    subscriptionsProtocol: 'WS',
  };
}

let page: Promise<string> | undefined;

/**
 * The page with GraphiQL's scripts, styles and editor workers inlined from the npm package: no CDN request, so it
 * works on air-gapped networks. The package (9 MB of script) loads on the first visit rather than at start-up, and
 * the page is built once: the options never change.
 */
export function renderOfflineGraphiQL(options: GraphiQLOptions): Promise<string> {
  page ??= import('@graphql-yoga/render-graphiql').then((m) => m.renderGraphiQL(options));
  return page;
}
