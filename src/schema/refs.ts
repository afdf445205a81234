import type { Device, Recording, Share, Snapshot, Stream } from '../model.js';
import type { Source } from '../sources/source.js';
import { builder } from './builder.js';

/** Refs of the node types, declared apart from their fields so type files can point at each other. */
export const DeviceRef = builder.objectRef<Device>('Device');
export const SourceRef = builder.objectRef<Source>('Source');
export const RecordingRef = builder.objectRef<Recording>('Recording');
export const StreamRef = builder.objectRef<Stream>('Stream');
export const SnapshotRef = builder.objectRef<Snapshot>('Snapshot');
export const ShareRef = builder.objectRef<Share>('Share');
