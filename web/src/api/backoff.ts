const BASE_MS = 500;
const MAX_MS = 30_000;

/**
 * How long to wait before retry number `n` (from 0): doubling up to 30 s, each wait drawn from its upper half so
 * that the screens a server restart dropped do not all come back at the same instant.
 */
export function backoff(n: number): number {
  const cap = Math.min(MAX_MS, BASE_MS * 2 ** Math.min(n, 16));
  return cap / 2 + Math.random() * (cap / 2);
}
