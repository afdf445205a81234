/**
 * Prints what scrubbing one log line costs (µs) with 10, 1,000 and 10,000 secrets: the old redact (one
 * split per secret) against the compiled matcher, both with a fresh secret array per line as the logger's
 * secrets() hands one, and through createLogger itself.
 * Run: npx tsx bench/redact.ts
 */
import { Writable } from 'node:stream';
import { createLogger } from '../src/log.js';
import { redact } from '../src/sources/redact.js';

/** The redact this replaced, kept here only to compare. */
function oldRedact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    out = out.split(s).join('***');
    const enc = encodeURIComponent(s);
    if (enc !== s) out = out.split(enc).join('***');
  }
  return out;
}

const token = (i: number) => `tok-${i.toString(36)}-${Math.random().toString(36).slice(2, 14)}.`;

function perLine(secrets: string[], line: string, f: (text: string, secrets: readonly string[]) => string, lines: number): number {
  for (let i = 0; i < Math.min(lines, 500); i++) f(line, [...secrets]);
  const t0 = performance.now();
  for (let i = 0; i < lines; i++) f(line, [...secrets]);
  return ((performance.now() - t0) * 1000) / lines;
}

function viaLogger(secrets: string[], lines: number): number {
  const log = createLogger({ secrets: () => [...secrets], level: 'info', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  for (let i = 0; i < 500; i++) log.warn({ source: 'cams' }, 'warm-up');
  const t0 = performance.now();
  for (let i = 0; i < lines; i++) log.warn({ source: 'cams', err: `GET alert: HTTP 503 ${secrets[i % secrets.length]}` }, 'poll failed');
  return ((performance.now() - t0) * 1000) / lines;
}

console.log('secrets   old µs/line   new µs/line   logger µs/line (new)');
for (const n of [10, 1_000, 10_000]) {
  const secrets = Array.from({ length: n }, (_, i) => token(i));
  const line = `{"level":40,"time":${Date.now()},"source":"cams","err":"GET alert: HTTP 503 for session ${secrets[n - 1]}","msg":"poll failed"}`;
  if (redact(line, secrets) !== oldRedact(line, secrets)) throw new Error('old and new differ');
  const old = perLine(secrets, line, oldRedact, n >= 10_000 ? 200 : 2_000);
  const now = perLine(secrets, line, redact, 5_000);
  console.log(`${String(n).padStart(7)}   ${old.toFixed(1).padStart(11)}   ${now.toFixed(1).padStart(11)}   ${viaLogger(secrets, 5_000).toFixed(1).padStart(20)}`);
}
