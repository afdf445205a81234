import type {
  DashboardCardFragment,
  DashboardSourceFragment,
  DashboardStreamFragment,
  DeviceSummaryFragment,
  RecordingRowFragment,
} from '../generated/graphql.ts';

export type Card = DashboardCardFragment;
export type SourceInfo = DashboardSourceFragment;
export type StreamInfo = DashboardStreamFragment;
export type Summary = DeviceSummaryFragment;
export type RecordingRow = RecordingRowFragment;
export type Snap = NonNullable<Summary['latestSnapshot']>;
