import { ValidationError } from '../errors.js';

const MAX_SEGMENT = 256;
/** Characters that end or split a path segment, or have no business in one. */
const FORBIDDEN = /[/\\?#\u0000-\u001f\u007f-\u009f]/;

/**
 * Refuses a value that could leave its place in an upstream URL path: "." and ".." (URL parsers resolve
 * them, also percent-encoded: "%2E%2E"), separators, control characters, empty or overlong values. Every
 * percent-decoding of the value is checked, since some hop on the way may decode once more.
 */
function checkSegment(value: string, field: string): void {
  if (value.length === 0 || value.length > MAX_SEGMENT) throw new ValidationError(`${field} must be 1 to ${MAX_SEGMENT} characters`, field);
  for (let text = value; ; ) {
    if (text === '.' || text === '..' || FORBIDDEN.test(text)) throw new ValidationError(`${field} is not a valid id`, field);
    let decoded: string;
    try {
      decoded = decodeURIComponent(text);
    } catch {
      // Not percent-encoding after all; encodeURIComponent sends the "%" itself.
      return;
    }
    if (decoded === text) return;
    text = decoded;
  }
}

/** One value (an id, a name) as a path segment of an upstream URL: checked, then encoded. */
export function pathSegment(value: string, field: string): string {
  checkSegment(value, field);
  return encodeURIComponent(value);
}

function checkSegments(pathname: string, field: string): string[] {
  const segments = pathname.split('/');
  // Empty segments (a leading or doubled "/") are harmless.
  for (const s of segments) if (s !== '') checkSegment(s, field);
  return segments;
}

/** A file path a device gave us (Magewell's recordings), to fetch again: every segment checked, then encoded. */
export function filePath(path: string, field: string): string {
  return checkSegments(path, field).map(encodeURIComponent).join('/');
}

/**
 * A URL path a vendor gave us (Epiphan's chunk and snapshot URLs), to request again: every segment of the
 * path part checked; sent as the vendor wrote it, query included.
 */
export function vendorUrlPath(path: string, field: string): string {
  const q = path.indexOf('?');
  checkSegments(q < 0 ? path : path.slice(0, q), field);
  return path;
}
