/**
 * Secrets learned at run time (session tokens, cookies, camera passwords read from a vendor) that no config
 * file lists. Sources add them as they learn them; the logger scrubs them like configured ones.
 */
const learned = new Set<string>();
const LIMIT = 10_000;
/** The list as last handed out: the same array until a secret is added, so a reader may reuse its work. */
let snapshot: readonly string[] | null = null;

export function learnSecret(secret: string | null | undefined): void {
  if (!secret || secret.length < 4 || learned.has(secret)) return;
  if (learned.size >= LIMIT) learned.delete(learned.values().next().value!);
  learned.add(secret);
  snapshot = null;
}

export function learnedSecrets(): readonly string[] {
  snapshot ??= Object.freeze([...learned]);
  return snapshot;
}
