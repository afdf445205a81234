/**
 * The API key lives in this tab only (sessionStorage): closing the tab forgets it. Where storage is disabled the
 * module keeps it instead, until the page reloads.
 */
const KEY = 'avgraph.apiKey';
let memory: string | null = null;

export function getKey(): string | null {
  try {
    return sessionStorage.getItem(KEY) ?? memory;
  } catch {
    return memory;
  }
}

export function setKey(key: string | null): void {
  memory = key;
  try {
    if (key) sessionStorage.setItem(KEY, key);
    else sessionStorage.removeItem(KEY);
    // stored: nothing else keeps it
    memory = null;
  } catch {
    // storage disabled: `memory` keeps it
  }
}

export function authHeaders(): Record<string, string> {
  const key = getKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}
