import { CAPABILITIES, DEVICE_STATES, RECORDING_TRIGGERS, STORAGE_STATUSES, VENDORS } from '../model.js';
import { builder } from './builder.js';

export const VendorEnum = builder.enumType('Vendor', { values: VENDORS });
export const DeviceKindEnum = builder.enumType('DeviceKind', { values: ['ENCODER', 'CAMERA'] as const });
export const ConnectionStateEnum = builder.enumType('ConnectionState', { values: ['ONLINE', 'OFFLINE', 'UNKNOWN'] as const });
export const CapabilityEnum = builder.enumType('Capability', { values: CAPABILITIES });
export const SourceStateEnum = builder.enumType('SourceState', { values: ['OK', 'DEGRADED', 'DOWN'] as const });
export const StorageKindEnum = builder.enumType('StorageKind', { values: ['SD', 'USB', 'INTERNAL', 'UPLOAD_QUEUE'] as const });
export const StorageStatusEnum = builder.enumType('StorageStatus', { values: STORAGE_STATUSES });
export const DeviceStateEnum = builder.enumType('DeviceState', { values: DEVICE_STATES });
export const RecordingStatusEnum = builder.enumType('RecordingStatus', {
  values: ['IN_PROGRESS', 'READY', 'FAILED', 'LOST'] as const,
});
export const RecordingTriggerEnum = builder.enumType('RecordingTrigger', { values: RECORDING_TRIGGERS });
export const StreamProtocolEnum = builder.enumType('StreamProtocol', { values: ['HLS', 'RTMP', 'RTSP'] as const });
export const StreamDirectionEnum = builder.enumType('StreamDirection', { values: ['PLAYBACK', 'PUSH'] as const });
export const StreamStateEnum = builder.enumType('StreamState', { values: ['IDLE', 'STARTING', 'LIVE', 'FAILED'] as const });
export const SnapshotSizeEnum = builder.enumType('SnapshotSize', { values: ['THUMB', 'STILL', 'FULL'] as const });
export const ShareKindEnum = builder.enumType('ShareKind', { values: ['PUBLIC', 'PRIVATE', 'ACCOUNT_ACCESS'] as const });
export const ShareRightEnum = builder.enumType('ShareRight', {
  values: ['VIEW', 'SNAPSHOT', 'LIST', 'EDIT', 'DELETE', 'ADMIN'] as const,
});
export const PtzDirectionEnum = builder.enumType('PtzDirection', {
  values: ['UP', 'DOWN', 'LEFT', 'RIGHT', 'ZOOM_IN', 'ZOOM_OUT'] as const,
});
export const PtzModeEnum = builder.enumType('PtzMode', { values: ['STEP', 'START', 'STOP'] as const });
