/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** a camera as Evercam stores it; every field is checked before anything is sent */
export type CameraInput = {
  /** host name or IPv4 address, no scheme, port or path */
  externalHost?: string | null | undefined;
  /** 1 to 65535 */
  externalHttpPort?: number | null | undefined;
  /** 1 to 65535 */
  externalRtspPort?: number | null | undefined;
  isPublic?: boolean | null | undefined;
  /** the snapshot path on the camera, starting with "/" */
  jpgUrl?: string | null | undefined;
  name?: string | null | undefined;
  /** write-only: never readable back */
  password?: string | null | undefined;
  username?: string | null | undefined;
};

/** the camera as addCamera would describe it; every field is checked before anything is sent */
export type CameraTestInput = {
  /** host name or IPv4 address, no scheme, port or path */
  externalHost: string;
  /** 1 to 65535; 80 when absent */
  externalHttpPort?: number | null | undefined;
  /** the snapshot path on the camera, starting with "/" */
  jpgUrl: string;
  /** sent to the vendor for the test only: never in a response or log */
  password?: string | null | undefined;
  username?: string | null | undefined;
};

/** CREDENTIALS_REFUSED: the camera answered but refused the username and password; UNREACHABLE: nothing gave a picture at that host, port and path */
export type CameraTestProblem =
  | 'CREDENTIALS_REFUSED'
  | 'UNREACHABLE';

export type Capability =
  | 'DELETE_RECORDINGS'
  | 'FIRMWARE_UPDATE'
  | 'FORMAT_STORAGE'
  | 'LIVE_STREAM'
  | 'PAIRING'
  | 'PTZ'
  | 'REBOOT'
  | 'RECORD'
  | 'RTMP_PUSH'
  | 'SETTINGS'
  | 'SHARE'
  | 'SNAPSHOT_CAPTURE'
  | 'TRIGGER_EVENT'
  | 'UPLOAD';

export type ConnectionState =
  | 'OFFLINE'
  | 'ONLINE'
  | 'UNKNOWN';

export type DeviceFilter = {
  capabilities?: Array<Capability> | null | undefined;
  connection?: ConnectionState | null | undefined;
  isRecording?: boolean | null | undefined;
  /** case-insensitive match on name */
  search?: string | null | undefined;
  /** Source ids, or the source names from the config */
  sourceIds?: Array<string | number> | null | undefined;
  vendors?: Array<Vendor> | null | undefined;
};

export type DeviceKind =
  | 'CAMERA'
  | 'ENCODER';

export type DeviceSettingsInput = {
  audioBitrateKbps?: number | null | undefined;
  chunkDurationSeconds?: number | null | undefined;
  frameRate?: number | null | undefined;
  keyframeIntervalSeconds?: number | null | undefined;
  resolution?: string | null | undefined;
  videoBitrateKbps?: number | null | undefined;
};

export type DeviceState =
  | 'CHECKING_FOR_UPDATE'
  | 'FORMATTING_STORAGE'
  | 'OCCUPIED'
  | 'REBOOTING'
  | 'RESETTING'
  | 'TESTING_STORAGE'
  | 'TESTING_STREAM'
  | 'TESTING_UPLOAD'
  | 'UPDATING_FIRMWARE';

export type PtzDirection =
  | 'DOWN'
  | 'LEFT'
  | 'RIGHT'
  | 'UP'
  | 'ZOOM_IN'
  | 'ZOOM_OUT';

export type PtzMode =
  | 'START'
  | 'STEP'
  | 'STOP';

export type RecordingFilter = {
  deviceIds?: Array<string | number> | null | undefined;
  from?: string | null | undefined;
  to?: string | null | undefined;
  triggers?: Array<RecordingTrigger> | null | undefined;
};

export type RecordingStatus =
  | 'FAILED'
  | 'IN_PROGRESS'
  | 'LOST'
  | 'READY';

export type RecordingTrigger =
  | 'AUDIO'
  | 'CONTINUOUS'
  | 'MANUAL'
  | 'MOTION'
  | 'SCHEDULED'
  | 'UNKNOWN';

/** what an API key may do: READ queries and subscriptions, CONTROL devices, ADMIN sources and shares */
export type Scope =
  | 'ADMIN'
  | 'CONTROL'
  | 'READ';

export type ShareKind =
  | 'ACCOUNT_ACCESS'
  | 'PRIVATE'
  | 'PUBLIC';

export type ShareRight =
  | 'ADMIN'
  | 'DELETE'
  | 'EDIT'
  | 'LIST'
  | 'SNAPSHOT'
  | 'VIEW';

export type SnapshotSize =
  | 'FULL'
  | 'STILL'
  | 'THUMB';

export type SourceState =
  | 'DEGRADED'
  | 'DOWN'
  | 'OK';

export type StorageKind =
  | 'INTERNAL'
  | 'SD'
  | 'UPLOAD_QUEUE'
  | 'USB';

export type StorageStatus =
  | 'ERROR'
  | 'FORMATTING'
  | 'FULL'
  | 'LOW_SPACE'
  | 'NOT_INSERTED'
  | 'READY'
  | 'READ_ONLY';

export type StreamDirection =
  | 'PLAYBACK'
  | 'PUSH';

export type StreamProtocol =
  | 'HLS'
  | 'RTMP'
  | 'RTSP';

export type StreamState =
  | 'FAILED'
  | 'IDLE'
  | 'LIVE'
  | 'STARTING';

export type Vendor =
  | 'AV_STUDIO'
  | 'EPIPHAN_CLOUD'
  | 'EVERCAM'
  | 'MAGEWELL'
  | 'VIDEOLOFT';

export type StartRecordingMutationVariables = Exact<{
  deviceId: string | number;
}>;


export type StartRecordingMutation = { startRecording:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'StartRecordingSuccess', device: { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type StopRecordingMutationVariables = Exact<{
  deviceId: string | number;
}>;


export type StopRecordingMutation = { stopRecording:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'StopRecordingSuccess', device: { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type StartStreamMutationVariables = Exact<{
  deviceId: string | number;
  rtmpUrl?: string | null | undefined;
}>;


export type StartStreamMutation = { startStream:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'StartStreamSuccess', stream: { id: string, protocol: StreamProtocol, direction: StreamDirection, state: StreamState, url: string | null, device: { id: string } } }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type StopStreamMutationVariables = Exact<{
  deviceId: string | number;
  streamId?: string | number | null | undefined;
}>;


export type StopStreamMutation = { stopStream:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'StopStreamSuccess', device: { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type CaptureSnapshotMutationVariables = Exact<{
  deviceId: string | number;
  size?: SnapshotSize | null | undefined;
  notes?: string | null | undefined;
}>;


export type CaptureSnapshotMutation = { captureSnapshot:
    | { __typename: 'CaptureSnapshotSuccess', snapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize, width: number | null, height: number | null, notes: string | null } }
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type DeleteSnapshotMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteSnapshotMutation = { deleteSnapshot:
    | { __typename: 'DeleteSnapshotSuccess', snapshotId: string }
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type DeleteRecordingsMutationVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;


export type DeleteRecordingsMutation = { deleteRecordings:
    | { __typename: 'DeleteRecordingsSuccess', deletedIds: Array<string> }
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type ClearFootageMutationVariables = Exact<{
  deviceId: string | number;
}>;


export type ClearFootageMutation = { clearFootage:
    | { __typename: 'ClearFootageSuccess', device: { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } }
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type RenameDeviceMutationVariables = Exact<{
  deviceId: string | number;
  name: string;
}>;


export type RenameDeviceMutation = { renameDevice:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'RenameDeviceSuccess', device: { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type UpdateDeviceSettingsMutationVariables = Exact<{
  deviceId: string | number;
  input: DeviceSettingsInput;
}>;


export type UpdateDeviceSettingsMutation = { updateDeviceSettings:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'UpdateDeviceSettingsSuccess', device: { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, settings: { resolution: string | null, allowedResolutions: Array<string>, videoBitrateKbps: number | null, maxVideoBitrateKbps: number | null, audioBitrateKbps: number | null, frameRate: number | null, keyframeIntervalSeconds: number | null, chunkDurationSeconds: number | null } | null, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type SetUploadMutationVariables = Exact<{
  deviceId: string | number;
  enabled: boolean;
}>;


export type SetUploadMutation = { setUpload:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'SetUploadSuccess', device: { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, storage: Array<{ kind: StorageKind, queuedSeconds: number | null, uploadEnabled: boolean | null }>, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type TriggerEventMutationVariables = Exact<{
  deviceId: string | number;
  seconds: number;
}>;


export type TriggerEventMutation = { triggerEvent:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'TriggerEventSuccess', device: { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type MovePtzMutationVariables = Exact<{
  deviceId: string | number;
  direction: PtzDirection;
  mode: PtzMode;
}>;


export type MovePtzMutation = { movePtz:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'MovePtzSuccess', device: { id: string } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type RebootDeviceMutationVariables = Exact<{
  deviceId: string | number;
}>;


export type RebootDeviceMutation = { rebootDevice:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'RebootDeviceSuccess', device: { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type StartFirmwareUpdateMutationVariables = Exact<{
  deviceId: string | number;
}>;


export type StartFirmwareUpdateMutation = { startFirmwareUpdate:
    | { __typename: 'AlreadyUpToDateError', version: string | null, message: string }
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'StartFirmwareUpdateSuccess', device: { id: string, states: Array<DeviceState>, firmware: { version: string | null, updateInProgress: boolean, progressPercent: number | null, failure: string | null } | null } }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type FormatStorageMutationVariables = Exact<{
  deviceId: string | number;
  kind: StorageKind;
}>;


export type FormatStorageMutation = { formatStorage:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'FormatStorageSuccess', device: { id: string, states: Array<DeviceState>, storage: Array<{ kind: StorageKind, status: StorageStatus | null, progressPercent: number | null, freeBytes: number | null, totalBytes: number | null }> } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type CreateShareMutationVariables = Exact<{
  deviceId: string | number;
  email: string;
  rights: Array<ShareRight> | ShareRight;
}>;


export type CreateShareMutation = { createShare:
    | { __typename: 'CreateShareSuccess', share: { id: string, kind: ShareKind, grantee: string | null, rights: Array<ShareRight>, createdAt: string | null, device: { id: string } } }
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type DeleteShareMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteShareMutation = { deleteShare:
    | { __typename: 'DeleteShareSuccess', shareId: string }
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type PairDeviceMutationVariables = Exact<{
  sourceId: string | number;
  pairingCode: string;
  name?: string | null | undefined;
}>;


export type PairDeviceMutation = { pairDevice:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PairDeviceSuccess', device: { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type UnpairDeviceMutationVariables = Exact<{
  deviceId: string | number;
}>;


export type UnpairDeviceMutation = { unpairDevice:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'UnpairDeviceSuccess', deviceId: string }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type TestCameraMutationVariables = Exact<{
  sourceId: string | number;
  input: CameraTestInput;
}>;


export type TestCameraMutation = { testCamera:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'TestCameraSuccess', ok: boolean, problem: CameraTestProblem | null, reason: string | null }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type AddCameraMutationVariables = Exact<{
  sourceId: string | number;
  input: CameraInput;
}>;


export type AddCameraMutation = { addCamera:
    | { __typename: 'AddCameraSuccess', device: { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } }
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type UpdateCameraMutationVariables = Exact<{
  deviceId: string | number;
  input: CameraInput;
}>;


export type UpdateCameraMutation = { updateCamera:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'UpdateCameraSuccess', device: { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type RemoveCameraMutationVariables = Exact<{
  deviceId: string | number;
}>;


export type RemoveCameraMutation = { removeCamera:
    | { __typename: 'DeviceOfflineError', message: string }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'NotSupportedError', capability: Capability | null, message: string }
    | { __typename: 'PermissionDeniedError', message: string }
    | { __typename: 'RemoveCameraSuccess', deviceId: string }
    | { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string }
    | { __typename: 'ValidationError', field: string | null, message: string }
   };

export type DashboardSourceFragment = { id: string, name: string, vendor: Vendor, health: { state: SourceState, circuitOpen: boolean, latencyMs: number | null, lastSuccessAt: string | null, lastError: string | null } };

export type DashboardStreamFragment = { id: string, protocol: StreamProtocol, direction: StreamDirection, state: StreamState, url: string | null, startedAt: string | null, bitrateKbps: number | null, health: { throughputRatio: number | null } | null, device: { id: string } };

export type DashboardCardFragment = { capabilities: Array<Capability>, id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, signal: { present: boolean, width: number | null, height: number | null, frameRate: number | null, interlaced: boolean | null } | null, storage: Array<{ kind: StorageKind, status: StorageStatus | null, freeBytes: number | null, totalBytes: number | null, usedBytes: number | null, progressPercent: number | null, queuedSeconds: number | null, uploadEnabled: boolean | null }>, streams: Array<{ id: string, protocol: StreamProtocol, direction: StreamDirection, state: StreamState, url: string | null, startedAt: string | null, bitrateKbps: number | null, health: { throughputRatio: number | null } | null, device: { id: string } }>, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null };

export type DashboardViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardViewerQuery = { viewer: { name: string, scopes: Array<Scope> } };

export type DashboardFleetQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  withSources?: boolean | null | undefined;
}>;


export type DashboardFleetQuery = { sources?: Array<{ id: string, name: string, vendor: Vendor, health: { state: SourceState, circuitOpen: boolean, latencyMs: number | null, lastSuccessAt: string | null, lastError: string | null } }>, devices: { totalCount: number | null, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { capabilities: Array<Capability>, id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, signal: { present: boolean, width: number | null, height: number | null, frameRate: number | null, interlaced: boolean | null } | null, storage: Array<{ kind: StorageKind, status: StorageStatus | null, freeBytes: number | null, totalBytes: number | null, usedBytes: number | null, progressPercent: number | null, queuedSeconds: number | null, uploadEnabled: boolean | null }>, streams: Array<{ id: string, protocol: StreamProtocol, direction: StreamDirection, state: StreamState, url: string | null, startedAt: string | null, bitrateKbps: number | null, health: { throughputRatio: number | null } | null, device: { id: string } }>, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } }> } };

export type DashboardDevicePageQueryVariables = Exact<{
  id: string | number;
}>;


export type DashboardDevicePageQuery = { device: { vendorDeviceId: string, lastSeenAt: string | null, timeZone: string | null, hasSnapshotArchive: boolean, liveSnapshotUrl: string | null, capabilities: Array<Capability>, id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, firmware: { version: string | null, updateAvailable: boolean | null, updateInProgress: boolean, progressPercent: number | null, failure: string | null } | null, settings: { resolution: string | null, videoBitrateKbps: number | null, maxVideoBitrateKbps: number | null, audioBitrateKbps: number | null, frameRate: number | null, keyframeIntervalSeconds: number | null, chunkDurationSeconds: number | null } | null, shares: Array<{ id: string, kind: ShareKind, grantee: string | null, rights: Array<ShareRight>, createdAt: string | null }>, signal: { present: boolean, width: number | null, height: number | null, frameRate: number | null, interlaced: boolean | null } | null, storage: Array<{ kind: StorageKind, status: StorageStatus | null, freeBytes: number | null, totalBytes: number | null, usedBytes: number | null, progressPercent: number | null, queuedSeconds: number | null, uploadEnabled: boolean | null }>, streams: Array<{ id: string, protocol: StreamProtocol, direction: StreamDirection, state: StreamState, url: string | null, startedAt: string | null, bitrateKbps: number | null, health: { throughputRatio: number | null } | null, device: { id: string } }>, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } | null };

export type DashboardDeviceChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type DashboardDeviceChangedSubscription = { deviceChanged: { at: string, changedFields: Array<string>, device: { capabilities: Array<Capability>, id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, signal: { present: boolean, width: number | null, height: number | null, frameRate: number | null, interlaced: boolean | null } | null, storage: Array<{ kind: StorageKind, status: StorageStatus | null, freeBytes: number | null, totalBytes: number | null, usedBytes: number | null, progressPercent: number | null, queuedSeconds: number | null, uploadEnabled: boolean | null }>, streams: Array<{ id: string, protocol: StreamProtocol, direction: StreamDirection, state: StreamState, url: string | null, startedAt: string | null, bitrateKbps: number | null, health: { throughputRatio: number | null } | null, device: { id: string } }>, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } } };

export type DashboardStreamChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type DashboardStreamChangedSubscription = { streamChanged: { id: string, protocol: StreamProtocol, direction: StreamDirection, state: StreamState, url: string | null, startedAt: string | null, bitrateKbps: number | null, health: { throughputRatio: number | null } | null, device: { id: string } } };

export type DeviceDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type DeviceDetailQuery = { device: { vendorDeviceId: string, capabilities: Array<Capability>, lastSeenAt: string | null, liveSnapshotUrl: string | null, id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, firmware: { version: string | null, updateAvailable: boolean | null, updateInProgress: boolean, progressPercent: number | null, failure: string | null } | null, signal: { present: boolean, width: number | null, height: number | null, frameRate: number | null, interlaced: boolean | null, audioSampleRate: number | null } | null, settings: { resolution: string | null, allowedResolutions: Array<string>, videoBitrateKbps: number | null, maxVideoBitrateKbps: number | null, audioBitrateKbps: number | null, frameRate: number | null, keyframeIntervalSeconds: number | null, chunkDurationSeconds: number | null } | null, storage: Array<{ kind: StorageKind, status: StorageStatus | null, freeBytes: number | null, totalBytes: number | null, usedBytes: number | null, progressPercent: number | null, queuedSeconds: number | null, uploadEnabled: boolean | null }>, streams: Array<{ id: string, protocol: StreamProtocol, direction: StreamDirection, state: StreamState, url: string | null, startedAt: string | null, keepAliveUntil: string | null, bitrateKbps: number | null, health: { throughputRatio: number | null, sentBytes: number | null, sentFrames: number | null } | null }>, shares: Array<{ id: string, kind: ShareKind, grantee: string | null, rights: Array<ShareRight>, createdAt: string | null }>, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } | null };

export type FleetQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: DeviceFilter | null | undefined;
}>;


export type FleetQuery = { sources: Array<{ id: string, name: string, vendor: Vendor, health: { state: SourceState, circuitOpen: boolean, latencyMs: number | null, lastSuccessAt: string | null, lastError: string | null } }>, devices: { totalCount: number | null, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, settings: { resolution: string | null, videoBitrateKbps: number | null } | null, storage: Array<{ kind: StorageKind, status: StorageStatus | null, freeBytes: number | null, totalBytes: number | null, queuedSeconds: number | null, uploadEnabled: boolean | null }>, streams: Array<{ id: string, protocol: StreamProtocol, direction: StreamDirection, state: StreamState, url: string | null, health: { throughputRatio: number | null } | null }>, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } }> } };

export type DeviceSummaryFragment = { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null };

type ControlError_AlreadyUpToDateError_Fragment = { __typename: 'AlreadyUpToDateError', version: string | null, message: string };

type ControlError_DeviceOfflineError_Fragment = { __typename: 'DeviceOfflineError', message: string };

type ControlError_FleetCommandRefused_Fragment = { __typename: 'FleetCommandRefused', message: string };

type ControlError_NotFoundError_Fragment = { __typename: 'NotFoundError', message: string };

type ControlError_NotSupportedError_Fragment = { __typename: 'NotSupportedError', capability: Capability | null, message: string };

type ControlError_PermissionDeniedError_Fragment = { __typename: 'PermissionDeniedError', message: string };

type ControlError_UpstreamError_Fragment = { __typename: 'UpstreamError', code: string | null, retryable: boolean, vendor: Vendor, message: string };

type ControlError_ValidationError_Fragment = { __typename: 'ValidationError', field: string | null, message: string };

export type ControlErrorFragment =
  | ControlError_AlreadyUpToDateError_Fragment
  | ControlError_DeviceOfflineError_Fragment
  | ControlError_FleetCommandRefused_Fragment
  | ControlError_NotFoundError_Fragment
  | ControlError_NotSupportedError_Fragment
  | ControlError_PermissionDeniedError_Fragment
  | ControlError_UpstreamError_Fragment
  | ControlError_ValidationError_Fragment
;

export type RecordingRowFragment = { id: string, startedAt: string, endedAt: string | null, durationSeconds: number | null, status: RecordingStatus, trigger: RecordingTrigger, motionLevel: number | null, audioLevel: number | null, utcOffsetMinutes: number | null, thumbnailUrl: string | null, sizeBytes: number | null, width: number | null, height: number | null, playback: { hlsUrl: string | null, mp4Url: string | null, downloadUrl: string | null }, device: { id: string, name: string } };

export type SnapshotRowFragment = { id: string, url: string, takenAt: string | null, size: SnapshotSize, width: number | null, height: number | null, notes: string | null };

export type PageCursorsFragment = { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null };

export type RecordingsTimelineQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: RecordingFilter | null | undefined;
}>;


export type RecordingsTimelineQuery = { recordings: { pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, startedAt: string, endedAt: string | null, durationSeconds: number | null, status: RecordingStatus, trigger: RecordingTrigger, motionLevel: number | null, audioLevel: number | null, utcOffsetMinutes: number | null, thumbnailUrl: string | null, sizeBytes: number | null, width: number | null, height: number | null, playback: { hlsUrl: string | null, mp4Url: string | null, downloadUrl: string | null }, device: { id: string, name: string } } }> } };

export type DeviceRecordingsQueryVariables = Exact<{
  id: string | number;
  from?: string | null | undefined;
  to?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type DeviceRecordingsQuery = { device: { id: string, recordings: { pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, startedAt: string, endedAt: string | null, durationSeconds: number | null, status: RecordingStatus, trigger: RecordingTrigger, motionLevel: number | null, audioLevel: number | null, utcOffsetMinutes: number | null, thumbnailUrl: string | null, sizeBytes: number | null, width: number | null, height: number | null, segments: Array<{ startedAt: string, endedAt: string, downloadUrl: string }>, playback: { hlsUrl: string | null, mp4Url: string | null, downloadUrl: string | null }, device: { id: string, name: string } } }> } } | null };

export type SnapshotDaysQueryVariables = Exact<{
  id: string | number;
  year: number;
  month: number;
}>;


export type SnapshotDaysQuery = { device: { id: string, snapshotDays: Array<number> } | null };

export type SnapshotHoursQueryVariables = Exact<{
  id: string | number;
  year: number;
  month: number;
  day: number;
}>;


export type SnapshotHoursQuery = { device: { id: string, snapshotHours: Array<number> } | null };

export type SnapshotArchiveQueryVariables = Exact<{
  id: string | number;
  from?: string | null | undefined;
  to?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type SnapshotArchiveQuery = { device: { id: string, snapshots: { pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, url: string, takenAt: string | null, size: SnapshotSize, width: number | null, height: number | null, notes: string | null } }> } } | null };

export type SnapshotAtQueryVariables = Exact<{
  id: string | number;
  time: string;
  withinSeconds?: number | null | undefined;
}>;


export type SnapshotAtQuery = { device: { id: string, snapshotAt: { id: string, url: string, takenAt: string | null, size: SnapshotSize, width: number | null, height: number | null, notes: string | null } | null } | null };

export type DeviceChangedSubscriptionVariables = Exact<{
  filter?: DeviceFilter | null | undefined;
}>;


export type DeviceChangedSubscription = { deviceChanged: { at: string, changedFields: Array<string>, device: { id: string, name: string, vendor: Vendor, model: string | null, kind: DeviceKind, connection: ConnectionState, isRecording: boolean | null, isStreaming: boolean | null, states: Array<DeviceState>, observedAt: string | null, source: { id: string, name: string }, latestSnapshot: { id: string, url: string, takenAt: string | null, size: SnapshotSize } | null } } };

export type RecordingAddedSubscriptionVariables = Exact<{
  filter?: DeviceFilter | null | undefined;
}>;


export type RecordingAddedSubscription = { recordingAdded: { id: string, startedAt: string, endedAt: string | null, durationSeconds: number | null, status: RecordingStatus, trigger: RecordingTrigger, motionLevel: number | null, audioLevel: number | null, utcOffsetMinutes: number | null, thumbnailUrl: string | null, sizeBytes: number | null, width: number | null, height: number | null, playback: { hlsUrl: string | null, mp4Url: string | null, downloadUrl: string | null }, device: { id: string, name: string } } };

export type SnapshotAddedSubscriptionVariables = Exact<{
  filter?: DeviceFilter | null | undefined;
}>;


export type SnapshotAddedSubscription = { snapshotAdded: { id: string, url: string, takenAt: string | null, size: SnapshotSize, width: number | null, height: number | null, notes: string | null, device: { id: string, name: string } } };

export type StreamChangedSubscriptionVariables = Exact<{
  filter?: DeviceFilter | null | undefined;
}>;


export type StreamChangedSubscription = { streamChanged: { id: string, protocol: StreamProtocol, direction: StreamDirection, state: StreamState, url: string | null, device: { id: string }, health: { throughputRatio: number | null } | null } };

export type SourceHealthChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type SourceHealthChangedSubscription = { sourceHealthChanged: { id: string, name: string, vendor: Vendor, health: { state: SourceState, circuitOpen: boolean, latencyMs: number | null, lastSuccessAt: string | null, lastError: string | null } } };

export const DashboardSourceFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardSource"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Source"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"vendor"}},{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"circuitOpen"}},{"kind":"Field","name":{"kind":"Name","value":"latencyMs"}},{"kind":"Field","name":{"kind":"Name","value":"lastSuccessAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}}]}}]}}]} as unknown as DocumentNode<DashboardSourceFragment, unknown>;
export const DeviceSummaryFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeviceSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Device"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"vendor"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"connection"}},{"kind":"Field","name":{"kind":"Name","value":"isRecording"}},{"kind":"Field","name":{"kind":"Name","value":"isStreaming"}},{"kind":"Field","name":{"kind":"Name","value":"states"}},{"kind":"Field","name":{"kind":"Name","value":"observedAt"}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestSnapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"takenAt"}},{"kind":"Field","name":{"kind":"Name","value":"size"}}]}}]}}]} as unknown as DocumentNode<DeviceSummaryFragment, unknown>;
export const DashboardStreamFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardStream"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Stream"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"protocol"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"bitrateKbps"}},{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"throughputRatio"}}]}},{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<DashboardStreamFragment, unknown>;
export const DashboardCardFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardCard"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Device"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DeviceSummary"}},{"kind":"Field","name":{"kind":"Name","value":"capabilities"}},{"kind":"Field","name":{"kind":"Name","value":"signal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"present"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"frameRate"}},{"kind":"Field","name":{"kind":"Name","value":"interlaced"}}]}},{"kind":"Field","name":{"kind":"Name","value":"storage"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"freeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"totalBytes"}},{"kind":"Field","name":{"kind":"Name","value":"usedBytes"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"queuedSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"uploadEnabled"}}]}},{"kind":"Field","name":{"kind":"Name","value":"streams"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardStream"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DeviceSummary"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Device"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"vendor"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"connection"}},{"kind":"Field","name":{"kind":"Name","value":"isRecording"}},{"kind":"Field","name":{"kind":"Name","value":"isStreaming"}},{"kind":"Field","name":{"kind":"Name","value":"states"}},{"kind":"Field","name":{"kind":"Name","value":"observedAt"}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestSnapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"takenAt"}},{"kind":"Field","name":{"kind":"Name","value":"size"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardStream"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Stream"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"protocol"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"bitrateKbps"}},{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"throughputRatio"}}]}},{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<DashboardCardFragment, unknown>;
export const ControlErrorFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ControlError"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"field"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"NotSupportedError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"capability"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"UpstreamError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}},{"kind":"Field","name":{"kind":"Name","value":"vendor"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AlreadyUpToDateError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]} as unknown as DocumentNode<ControlErrorFragment, unknown>;
export const RecordingRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"RecordingRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Recording"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"endedAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"motionLevel"}},{"kind":"Field","name":{"kind":"Name","value":"audioLevel"}},{"kind":"Field","name":{"kind":"Name","value":"utcOffsetMinutes"}},{"kind":"Field","name":{"kind":"Name","value":"thumbnailUrl"}},{"kind":"Field","name":{"kind":"Name","value":"sizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"playback"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hlsUrl"}},{"kind":"Field","name":{"kind":"Name","value":"mp4Url"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}}]}},{"kind":"Field","name":{"kind":"Name","value":"device"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<RecordingRowFragment, unknown>;
export const SnapshotRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"SnapshotRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Snapshot"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"takenAt"}},{"kind":"Field","name":{"kind":"Name","value":"size"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}}]}}]} as unknown as DocumentNode<SnapshotRowFragment, unknown>;
export const PageCursorsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PageCursors"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PageInfo"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]} as unknown as DocumentNode<PageCursorsFragment, unknown>;
export const StartRecordingDocument = {"__meta__":{"hash":"sha256:5abe53f3612baaa0b974b4ca2eae55095871903d1cdd5dacf8dcd8eca81d6cc6"}} as unknown as DocumentNode<StartRecordingMutation, StartRecordingMutationVariables>;
export const StopRecordingDocument = {"__meta__":{"hash":"sha256:9073a9643d95cd26d815339a893bd945096a3a4f510bab0243f0ebe3a82262e4"}} as unknown as DocumentNode<StopRecordingMutation, StopRecordingMutationVariables>;
export const StartStreamDocument = {"__meta__":{"hash":"sha256:aaa634a77094def4891be7cee5439220eeb155485cb9bb6e367cdef0db2287ca"}} as unknown as DocumentNode<StartStreamMutation, StartStreamMutationVariables>;
export const StopStreamDocument = {"__meta__":{"hash":"sha256:43c8c6f5526b0748d811c49993a061b1d72db0f78418403d4a8ea64a75e29270"}} as unknown as DocumentNode<StopStreamMutation, StopStreamMutationVariables>;
export const CaptureSnapshotDocument = {"__meta__":{"hash":"sha256:8936820ac2af350d3fa0e67a7bcf6d4837509760ddd0360eb123a4783df4f934"}} as unknown as DocumentNode<CaptureSnapshotMutation, CaptureSnapshotMutationVariables>;
export const DeleteSnapshotDocument = {"__meta__":{"hash":"sha256:564b2d8d3e614adf2c7ceec0ffd9d0fb6eb680c1b1a40152ae5a03bfc2abc66c"}} as unknown as DocumentNode<DeleteSnapshotMutation, DeleteSnapshotMutationVariables>;
export const DeleteRecordingsDocument = {"__meta__":{"hash":"sha256:93cf081b287601fb691acafa3dfc66ad662a8997eddb4ffad2b34d5d640d4153"}} as unknown as DocumentNode<DeleteRecordingsMutation, DeleteRecordingsMutationVariables>;
export const ClearFootageDocument = {"__meta__":{"hash":"sha256:02c99e4be204b73785cad57d4f775a5e13e6f07a05528724719a6e2fa9d0d687"}} as unknown as DocumentNode<ClearFootageMutation, ClearFootageMutationVariables>;
export const RenameDeviceDocument = {"__meta__":{"hash":"sha256:7f88b4bcc39f7c4eb01b81e8f95f0bbe99a164a71988542270db00ec62e32cbf"}} as unknown as DocumentNode<RenameDeviceMutation, RenameDeviceMutationVariables>;
export const UpdateDeviceSettingsDocument = {"__meta__":{"hash":"sha256:93c56068a2d84b83dfdf296da6acd65788188054cc6378f6d38c9a3f26cae210"}} as unknown as DocumentNode<UpdateDeviceSettingsMutation, UpdateDeviceSettingsMutationVariables>;
export const SetUploadDocument = {"__meta__":{"hash":"sha256:2a21cbb8ec61642578ea8042cee6fc92ba984423de28cda226af7b864944814d"}} as unknown as DocumentNode<SetUploadMutation, SetUploadMutationVariables>;
export const TriggerEventDocument = {"__meta__":{"hash":"sha256:bc5df492ecde6a770f47e4dafd5c60f15aec9513c6cf714de1799363c7110010"}} as unknown as DocumentNode<TriggerEventMutation, TriggerEventMutationVariables>;
export const MovePtzDocument = {"__meta__":{"hash":"sha256:6bb9c58f8f553bfe54eab57db86775f9fe0a4a9e6b3be984f0852281161b4de6"}} as unknown as DocumentNode<MovePtzMutation, MovePtzMutationVariables>;
export const RebootDeviceDocument = {"__meta__":{"hash":"sha256:f10a543c82a5202e0313b7359f8afef7804c62cfb414a46266554c656e1de534"}} as unknown as DocumentNode<RebootDeviceMutation, RebootDeviceMutationVariables>;
export const StartFirmwareUpdateDocument = {"__meta__":{"hash":"sha256:4a9441ae6bba5b957936837c29c4cb20a20b012ae733228889846afc39ca7424"}} as unknown as DocumentNode<StartFirmwareUpdateMutation, StartFirmwareUpdateMutationVariables>;
export const FormatStorageDocument = {"__meta__":{"hash":"sha256:4a5909bfca17ecbe3210e9034eefedf6260972eae796559171c595f0c3329bf4"}} as unknown as DocumentNode<FormatStorageMutation, FormatStorageMutationVariables>;
export const CreateShareDocument = {"__meta__":{"hash":"sha256:a1b1b6f856a6225a21b33a002154a68d5197319ed269599998b2ab75e6d36827"}} as unknown as DocumentNode<CreateShareMutation, CreateShareMutationVariables>;
export const DeleteShareDocument = {"__meta__":{"hash":"sha256:758c06dff85998ff7ba09e908ab1a23277ce606b31ed01322308a0de047af34a"}} as unknown as DocumentNode<DeleteShareMutation, DeleteShareMutationVariables>;
export const PairDeviceDocument = {"__meta__":{"hash":"sha256:6f20133f5fe33d131367704e48c0b53a260f95156dc8cc3e39377ac70c9ec04c"}} as unknown as DocumentNode<PairDeviceMutation, PairDeviceMutationVariables>;
export const UnpairDeviceDocument = {"__meta__":{"hash":"sha256:3b56350de6891da134473512116a4b9211ab2a9a6b5d7364d4ef94776e9dde59"}} as unknown as DocumentNode<UnpairDeviceMutation, UnpairDeviceMutationVariables>;
export const TestCameraDocument = {"__meta__":{"hash":"sha256:f041687e7d1496438b61200713cf2e49f04678a1d7271c02f204992eba558401"}} as unknown as DocumentNode<TestCameraMutation, TestCameraMutationVariables>;
export const AddCameraDocument = {"__meta__":{"hash":"sha256:0218656fdb5d88be26e78182946a6297d9ec94ea3a9407b9cd12287c3fb90017"}} as unknown as DocumentNode<AddCameraMutation, AddCameraMutationVariables>;
export const UpdateCameraDocument = {"__meta__":{"hash":"sha256:ed05016f0bf7e260fae1ff4b1579dbaf78605f8d2f06169c3da81bcdd7881c20"}} as unknown as DocumentNode<UpdateCameraMutation, UpdateCameraMutationVariables>;
export const RemoveCameraDocument = {"__meta__":{"hash":"sha256:3bf7096a377b493207dd67b29101d6e981575ba1bbcae188bc9d4218750671eb"}} as unknown as DocumentNode<RemoveCameraMutation, RemoveCameraMutationVariables>;
export const DashboardViewerDocument = {"__meta__":{"hash":"sha256:1f1ad4611d6e59b99da3534640290000e19ccdd771ad396e1daeae36a9bae0a3"}} as unknown as DocumentNode<DashboardViewerQuery, DashboardViewerQueryVariables>;
export const DashboardFleetDocument = {"__meta__":{"hash":"sha256:c9c5c2feabf3b4f334ce66e4f3b08960c72c3b12d073db1b8b3ebdd289223769"}} as unknown as DocumentNode<DashboardFleetQuery, DashboardFleetQueryVariables>;
export const DashboardDevicePageDocument = {"__meta__":{"hash":"sha256:d9e63649a4088cbba034a3b37d06bf4bdfb9e7215866266a5876b90a888b135e"}} as unknown as DocumentNode<DashboardDevicePageQuery, DashboardDevicePageQueryVariables>;
export const DashboardDeviceChangedDocument = {"__meta__":{"hash":"sha256:38b283977e2431b340988d527b676cb62ebd9f36be9fb7c4460e2d13054d8db2"}} as unknown as DocumentNode<DashboardDeviceChangedSubscription, DashboardDeviceChangedSubscriptionVariables>;
export const DashboardStreamChangedDocument = {"__meta__":{"hash":"sha256:9079a0e0d0d34d2f4a064c88c2cd469bf8fb34f447f07f482cee693f20eaf344"}} as unknown as DocumentNode<DashboardStreamChangedSubscription, DashboardStreamChangedSubscriptionVariables>;
export const DeviceDetailDocument = {"__meta__":{"hash":"sha256:da655bcd0ba73ab827e5a305baa593259a6ad9c39f096e22ad88e45bb067d171"}} as unknown as DocumentNode<DeviceDetailQuery, DeviceDetailQueryVariables>;
export const FleetDocument = {"__meta__":{"hash":"sha256:e9ecd95814bbd81c3d10295fccd4c155e644d808a8dea9c89d582374437de32d"}} as unknown as DocumentNode<FleetQuery, FleetQueryVariables>;
export const RecordingsTimelineDocument = {"__meta__":{"hash":"sha256:a55dd6e743e5ace420ac04a705c59508f043ee4afcc8326e15ddfbb817521663"}} as unknown as DocumentNode<RecordingsTimelineQuery, RecordingsTimelineQueryVariables>;
export const DeviceRecordingsDocument = {"__meta__":{"hash":"sha256:0a4f3686b4012a60e11f8303908fe0f8b1c0e08cb8b97affc49112b3dfc7232a"}} as unknown as DocumentNode<DeviceRecordingsQuery, DeviceRecordingsQueryVariables>;
export const SnapshotDaysDocument = {"__meta__":{"hash":"sha256:e82bca3b9c3757f608bddd1e6274c3b0ef7fd33838610e2a8737e4c6fa0dbc01"}} as unknown as DocumentNode<SnapshotDaysQuery, SnapshotDaysQueryVariables>;
export const SnapshotHoursDocument = {"__meta__":{"hash":"sha256:94c43d91cc7a45c0bffb5b860c6be91b8cf1dac3dbf0483bf1f92be1095c69cd"}} as unknown as DocumentNode<SnapshotHoursQuery, SnapshotHoursQueryVariables>;
export const SnapshotArchiveDocument = {"__meta__":{"hash":"sha256:4ba993eeeace3bd0ca411c72952cdc44f66a95a48752ca7d6ac8cb0d02882c13"}} as unknown as DocumentNode<SnapshotArchiveQuery, SnapshotArchiveQueryVariables>;
export const SnapshotAtDocument = {"__meta__":{"hash":"sha256:ef5240fc5ba818f1d53ba79cd95eebc4b14acb9851d84582e4a9df96b2c66099"}} as unknown as DocumentNode<SnapshotAtQuery, SnapshotAtQueryVariables>;
export const DeviceChangedDocument = {"__meta__":{"hash":"sha256:36fb7929638f630521057c85cf08b8f1b3364e00a409ddb063fe79af7058c734"}} as unknown as DocumentNode<DeviceChangedSubscription, DeviceChangedSubscriptionVariables>;
export const RecordingAddedDocument = {"__meta__":{"hash":"sha256:bed0f79f8aea5b238d9047776ade09fc4e9a7efa2af6f04096c23c3033244466"}} as unknown as DocumentNode<RecordingAddedSubscription, RecordingAddedSubscriptionVariables>;
export const SnapshotAddedDocument = {"__meta__":{"hash":"sha256:29ad9e475f1b72db74010fe6d4da152402a3da6075216e16110ab4608139b263"}} as unknown as DocumentNode<SnapshotAddedSubscription, SnapshotAddedSubscriptionVariables>;
export const StreamChangedDocument = {"__meta__":{"hash":"sha256:2afb92f588f4bb8183fdf887ff97af4c10c8066f33d5c3bf9215505de8218f8e"}} as unknown as DocumentNode<StreamChangedSubscription, StreamChangedSubscriptionVariables>;
export const SourceHealthChangedDocument = {"__meta__":{"hash":"sha256:4ac6fb2eb05461cf77720c740792103ae36293b51fe8e803756335bbbb931c1c"}} as unknown as DocumentNode<SourceHealthChangedSubscription, SourceHealthChangedSubscriptionVariables>;