/**
 * Global ids are base64 of "<Type>:<sourceId>:<vendorId>" (the Relay plugin adds the "<Type>:" part
 * around our local ids, which are "<sourceId>:<vendorId>"). Source ids never contain ':'.
 */
export interface LocalId {
  sourceId: string;
  vendorId: string;
}

export function localId(sourceId: string, vendorId: string): string {
  return `${sourceId}:${vendorId}`;
}

export function parseLocalId(id: string): LocalId | null {
  const at = id.indexOf(':');
  if (at <= 0 || at === id.length - 1) return null;
  return { sourceId: id.slice(0, at), vendorId: id.slice(at + 1) };
}

export function encodeGlobalId(type: string, sourceId: string, vendorId: string): string {
  return Buffer.from(`${type}:${localId(sourceId, vendorId)}`, 'utf8').toString('base64');
}

export interface GlobalId extends LocalId {
  type: string;
}

export function decodeGlobalId(id: string): GlobalId | null {
  let text: string;
  try {
    text = Buffer.from(id, 'base64').toString('utf8');
  } catch {
    return null;
  }
  const at = text.indexOf(':');
  if (at <= 0) return null;
  const local = parseLocalId(text.slice(at + 1));
  return local ? { type: text.slice(0, at), ...local } : null;
}

/** Vendor id of something a device owns (recording, stream, snapshot, share): "<device id>/<own id>", each escaped. */
export function childId(deviceVendorId: string, ownId: string): string {
  return `${encodeURIComponent(deviceVendorId)}/${encodeURIComponent(ownId)}`;
}

export function parseChildId(vendorId: string): { deviceVendorId: string; ownId: string } | null {
  const parts = vendorId.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  try {
    return { deviceVendorId: decodeURIComponent(parts[0]), ownId: decodeURIComponent(parts[1]) };
  } catch {
    return null;
  }
}
