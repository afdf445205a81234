import {
  CaptureSnapshotDocument,
  MovePtzDocument,
  StartRecordingDocument,
  StartStreamDocument,
  StopRecordingDocument,
  StopStreamDocument,
  TriggerEventDocument,
  type Capability,
  type PtzDirection,
} from '../generated/graphql.ts';
import { store } from '../state/store.ts';
import type { Card, Summary } from '../state/types.ts';
import type { Doc } from './documents.ts';
import { ApiError, request } from './http.ts';

/** A control's failure as the page shows it: the GraphQL error type (or the transport's) and its message. */
export interface ControlFailure {
  type: string;
  message: string;
}

type Result = { __typename: string; message?: string };
/** An answer that carries, on success, the device the mutation changed. */
type DeviceResult = Result & { device?: Summary };

function failure(r: Result | null | undefined): ControlFailure | null {
  if (!r) return { type: 'EmptyResult', message: 'the server answered nothing' };
  if (r.__typename.endsWith('Success')) return null;
  return { type: r.__typename, message: r.message ?? r.__typename };
}

/** Runs a mutation; transport failures become a ControlFailure too, so every control shows its error the same way. */
async function run<T>(go: () => Promise<T>, pick: (data: T) => Result | null | undefined): Promise<ControlFailure | null> {
  try {
    return failure(pick(await go()));
  } catch (e) {
    if (e instanceof ApiError) return { type: e.kind === 'graphql' ? 'GraphQLError' : e.kind === 'network' ? 'NetworkError' : 'HttpError', message: e.message };
    return { type: 'Error', message: (e as Error).message };
  }
}

export interface ControlSpec {
  /** DOM test id of its button */
  id: string;
  label: string;
  capability: Capability;
  /** why the device's current state makes this control pointless (already recording...), or null */
  moot?(device: Card): string | null;
  run(device: Card): Promise<ControlFailure | null>;
}

const TRIGGER_SECONDS = 30;

/**
 * A control whose mutation answers `field` with the device it changed; only the Success type carries the device,
 * and the store takes it.
 */
function deviceControl<F extends string, V>(
  spec: Omit<ControlSpec, 'run'>,
  doc: Doc<Record<F, DeviceResult | null>, V>,
  field: F,
  vars: (d: Card) => V,
): ControlSpec {
  return {
    ...spec,
    run: (d) =>
      run(
        () => request(doc, vars(d)),
        (x) => {
          const r = x[field];
          if (r?.device) store.upsertDevice(r.device);
          return r;
        },
      ),
  };
}

const byId = (d: Card) => ({ deviceId: d.id });

export const startRecording = deviceControl(
  { id: 'ctl-start-recording', label: 'Record', capability: 'RECORD', moot: (d) => (d.isRecording === true ? 'already recording' : null) },
  StartRecordingDocument,
  'startRecording',
  byId,
);

export const stopRecording = deviceControl({ id: 'ctl-stop-recording', label: 'Stop rec', capability: 'RECORD' }, StopRecordingDocument, 'stopRecording', byId);

export const startStream: ControlSpec = {
  id: 'ctl-start-stream',
  label: 'Stream',
  capability: 'LIVE_STREAM',
  moot: (d) => (d.isStreaming === true ? 'already streaming' : null),
  run: (d) => runStartStream(d),
};

/** StartStream, to the device's own stream or (with `rtmpUrl`) pushed to an RTMP server. */
export function runStartStream(d: Card, rtmpUrl?: string): Promise<ControlFailure | null> {
  return run(
    () => request(StartStreamDocument, rtmpUrl === undefined ? { deviceId: d.id } : { deviceId: d.id, rtmpUrl }),
    (x) => {
      const r = x.startStream;
      if (r?.__typename === 'StartStreamSuccess') store.upsertStream(r.stream, true);
      return r;
    },
  );
}

/** A push to an RTMP server the operator names (encoders that push rather than serve a stream). */
export const pushRtmp = { id: 'ctl-push-rtmp', capability: 'RTMP_PUSH' } as const satisfies Pick<ControlSpec, 'id' | 'capability'>;

export const stopStream = deviceControl({ id: 'ctl-stop-stream', label: 'Stop stream', capability: 'LIVE_STREAM' }, StopStreamDocument, 'stopStream', byId);

export const captureSnapshot: ControlSpec = {
  id: 'ctl-capture-snapshot',
  label: 'Snapshot',
  capability: 'SNAPSHOT_CAPTURE',
  run: (d) =>
    run(
      () => request(CaptureSnapshotDocument, { deviceId: d.id }),
      (x) => {
        const r = x.captureSnapshot;
        if (r?.__typename === 'CaptureSnapshotSuccess') store.setSnapshot(d.id, r.snapshot);
        return r;
      },
    ),
};

export const triggerEvent = deviceControl(
  { id: 'ctl-trigger-event', label: `Trigger event (${TRIGGER_SECONDS} s)`, capability: 'TRIGGER_EVENT' },
  TriggerEventDocument,
  'triggerEvent',
  (d) => ({ deviceId: d.id, seconds: TRIGGER_SECONDS }),
);

function ptz(direction: PtzDirection, id: string, label: string): ControlSpec {
  return {
    id,
    label,
    capability: 'PTZ',
    run: (d) => run(() => request(MovePtzDocument, { deviceId: d.id, direction, mode: 'STEP' }), (x) => x.movePtz),
  };
}

/** One step per press; the API has no home position, so there is no home button. */
export const ptzControls: ControlSpec[] = [
  ptz('UP', 'ctl-ptz-up', '▲'),
  ptz('LEFT', 'ctl-ptz-left', '◀'),
  ptz('RIGHT', 'ctl-ptz-right', '▶'),
  ptz('DOWN', 'ctl-ptz-down', '▼'),
  ptz('ZOOM_IN', 'ctl-ptz-zoom-in', 'Zoom +'),
  ptz('ZOOM_OUT', 'ctl-ptz-zoom-out', 'Zoom -'),
];

export const cardControls: ControlSpec[] = [startRecording, stopRecording, startStream, stopStream, captureSnapshot];

/**
 * Why a control cannot be used, or null: the key's scopes first, then the device's capabilities, then its state
 * (an offline device stays clickable: the server says why it cannot act).
 */
export function disabledReason(spec: Pick<ControlSpec, 'capability' | 'moot'>, device: Card, scopes: ReadonlySet<string>): string | null {
  if (!scopes.has('CONTROL')) return 'this API key lacks the "control" scope';
  if (!(device.capabilities ?? []).includes(spec.capability)) return `this device does not support ${spec.capability}`;
  return spec.moot?.(device) ?? null;
}
