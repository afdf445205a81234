import { ValidationError } from './errors.js';
import type { CameraInput, DeviceCommand } from './model.js';

/**
 * Bounds on what a caller may send upstream, for every vendor, checked before any source is asked anything.
 * Vendors' own, narrower rules (Magewell names are 32 characters) are checked after, in validateCommand.
 */
export const LIMITS = {
  rtmpUrl: 1024,
  name: 256,
  notes: 1000,
  email: 254,
  pairingCode: 64,
  streamId: 256,
  setting: 64,
  host: 253,
  path: 1024,
  credential: 256,
} as const;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Control characters other than tab and line breaks. */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Caller text that goes upstream: at most `max` characters, no control characters (line breaks when multiline). */
export function checkText(value: string, field: string, max: number, multiline = false): void {
  if (value.length > max) throw new ValidationError(`${field} is at most ${max} characters`, field);
  if ((multiline ? CONTROL_IN_TEXT : CONTROL).test(value)) throw new ValidationError(`${field} must not contain control characters`, field);
}

/** An RTMP push target: rtmp:// or rtmps:// with a host, bounded, without whitespace or control characters. */
export function checkRtmpUrl(url: string): void {
  if (url.length > LIMITS.rtmpUrl) throw new ValidationError(`rtmpUrl is at most ${LIMITS.rtmpUrl} characters`, 'rtmpUrl');
  if (!/^rtmps?:\/\/[^\s/?#]+/i.test(url) || /[\s\u0000-\u001f\u007f-\u009f]/.test(url)) {
    throw new ValidationError('rtmpUrl must be an rtmp:// or rtmps:// URL without spaces', 'rtmpUrl');
  }
}

/** Every caller-supplied value of a command, bounded. */
export function checkCommandInput(command: DeviceCommand): void {
  switch (command.type) {
    case 'startStream':
      if (command.rtmpUrl !== null) checkRtmpUrl(command.rtmpUrl);
      return;
    case 'stopStream':
      if (command.vendorStreamId !== null) checkText(command.vendorStreamId, 'streamId', LIMITS.streamId);
      return;
    case 'rename':
      checkText(command.name, 'name', LIMITS.name);
      return;
    case 'captureSnapshot':
      if (command.notes) checkText(command.notes, 'notes', LIMITS.notes, true);
      return;
    case 'updateSettings':
      if (command.input.resolution != null) checkText(command.input.resolution, 'resolution', LIMITS.setting);
      return;
    default:
      return;
  }
}

/** The text fields of a camera to add or change, bounded. */
export function checkCameraInput(input: CameraInput): void {
  if (input.name != null) checkText(input.name, 'name', LIMITS.name);
  if (input.externalHost != null) checkText(input.externalHost, 'externalHost', LIMITS.host);
  if (input.jpgUrl != null) checkText(input.jpgUrl, 'jpgUrl', LIMITS.path);
  if (input.username != null) checkText(input.username, 'username', LIMITS.credential);
  if (input.password != null) checkText(input.password, 'password', LIMITS.credential);
}
