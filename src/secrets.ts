/**
 * Secrets learned at run time (session tokens, cookies, camera passwords read from a vendor) that no config
 * file lists. Sources add them as they learn them; the logger scrubs them like configured ones.
 */
const learned = new Set<string>();
const LIMIT = 10_000;

export function learnSecret(secret: string | null | undefined): void {
  if (!secret || secret.length < 4 || learned.has(secret)) return;
  if (learned.size >= LIMIT) learned.delete(learned.values().next().value!);
  learned.add(secret);
}

export function learnedSecrets(): string[] {
  return [...learned];
}
