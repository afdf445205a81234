/** Evercam v1 payloads (the document's Data Reference presenters); replies wrap them by resource name. */

export interface WireCamera {
  id: string;
  name: string;
  owner?: string;
  vendor?: string | null;
  model?: string | null;
  created_at?: number;
  updated_at?: number;
  last_polled_at?: number | null;
  last_online_at?: number | null;
  timezone?: string | null;
  is_online?: boolean;
  is_public?: boolean;
  external_host?: string | null;
  internal_host?: string | null;
  external_http_port?: number | null;
  internal_http_port?: number | null;
  external_rtsp_port?: number | null;
  internal_rtsp_port?: number | null;
  jpg_url?: string | null;
  /** never leaves avgraph */
  cam_username?: string | null;
  /** never leaves avgraph */
  cam_password?: string | null;
  mac_address?: string | null;
  location?: unknown;
}

export interface WireShare {
  id: number;
  camera_id: string;
  user_id?: number;
  email?: string;
  /** "public" or "private" */
  kind: string;
  /** comma separated */
  rights: string;
}

export interface WireSnapshot {
  camera: string;
  notes?: string | null;
  /** unix seconds */
  created_at: number;
  timezone?: string;
  /** a data URI when with_data is asked for */
  data?: string | null;
}

export interface WireVendor {
  id: string;
  name: string;
  known_macs?: string[];
  is_supported?: boolean;
  models?: string[];
}

export interface WireModel {
  vendor: string;
  name: string;
  known_models?: string[];
  defaults?: unknown;
}

/** GET /cameras/test: the picture the camera gave, or an error's message. */
export interface WireCameraTest {
  status?: string;
  /** a data URI of the camera's JPG */
  data?: string;
  message?: string;
}
