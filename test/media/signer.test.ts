import { describe, expect, it, vi } from 'vitest';
import { EXP_WINDOW_S, MediaSigner } from '../../src/media/signer.js';

const SECRET = 'secret-for-signing-1234';
const snap = (n: number) => ({ sourceId: 'cloud', ref: `snapshot:/front/api/v1/devices/d${n}/state.jpg` });

/** A signer on a clock the test moves, with its HMACs counted. */
function signer(opts: { maxCached?: number; base?: () => string } = {}) {
  const clock = { now: 1_000_000_021_000 }; // 1 s into an expiry window
  const s = new MediaSigner(opts.base ?? (() => 'http://avgraph'), SECRET, 600, () => clock.now, opts.maxCached);
  const macs = vi.spyOn(s as unknown as { mac: (sourceId: string, ref: string, exp: number) => string }, 'mac');
  return { s, clock, macs };
}

const expOf = (url: string) => Number(new URL(url).searchParams.get('exp'));

describe('signed media URLs, cached per ref and expiry window', () => {
  it('gives the same URL, signed once, for every request within a window, and a new one after it', () => {
    const { s, clock, macs } = signer();
    const first = s.url(snap(1));
    // the expiry is rounded up to the window: between ttl and ttl + window from now
    const exp = expOf(first);
    expect(exp % EXP_WINDOW_S).toBe(0);
    expect(exp * 1000 - clock.now).toBeGreaterThanOrEqual(600_000);
    expect(exp * 1000 - clock.now).toBeLessThan((600 + EXP_WINDOW_S) * 1000);

    clock.now += 30_000; // still in the same window
    expect(s.url(snap(1))).toBe(first);
    expect(s.url(snap(1))).toBe(first);
    expect(macs).toHaveBeenCalledTimes(1);

    clock.now += EXP_WINDOW_S * 1000;
    const next = s.url(snap(1));
    expect(next).not.toBe(first);
    expect(expOf(next)).toBe(exp + EXP_WINDOW_S);
    expect(macs).toHaveBeenCalledTimes(2);
  });

  it('keeps cached URLs verifiable, and refuses them once expired', () => {
    const { s, clock } = signer();
    const url = new URL(s.url(snap(2)));
    const again = new URL(s.url(snap(2)));
    expect(again.toString()).toBe(url.toString());
    expect(s.verify(again.pathname, again.searchParams)).toEqual({ ok: true, media: snap(2) });

    const tampered = new URL(again);
    tampered.searchParams.set('exp', String(expOf(again.toString()) + EXP_WINDOW_S));
    expect(s.verify(tampered.pathname, tampered.searchParams)).toEqual({ ok: false, reason: 'bad signature' });

    clock.now = (expOf(url.toString()) + 1) * 1000;
    expect(s.verify(url.pathname, url.searchParams)).toEqual({ ok: false, reason: 'expired' });
  });

  it('tells refs and sources apart', () => {
    const { s, macs } = signer();
    const a = s.url(snap(3));
    const b = s.url(snap(4));
    const c = s.url({ sourceId: 'studio', ref: snap(3).ref });
    expect(new Set([a, b, c]).size).toBe(3);
    expect(macs).toHaveBeenCalledTimes(3);
  });

  it('signs again when the public URL changes (known only once the server listens)', () => {
    let base = 'http://0.0.0.0:0';
    const { s } = signer({ base: () => base });
    expect(s.url(snap(5))).toMatch(/^http:\/\/0\.0\.0\.0:0\/media\//);
    base = 'http://localhost:4000';
    expect(s.url(snap(5))).toMatch(/^http:\/\/localhost:4000\/media\//);
  });

  it('holds at most maxCached URLs: a full cache starts over', () => {
    const { s, macs } = signer({ maxCached: 3 });
    for (const n of [1, 2, 3, 1, 2, 3]) s.url(snap(n));
    expect(macs).toHaveBeenCalledTimes(3);
    s.url(snap(4)); // full: the cache starts over with 4 alone
    expect(macs).toHaveBeenCalledTimes(4);
    s.url(snap(4));
    expect(macs).toHaveBeenCalledTimes(4);
    s.url(snap(1));
    expect(macs).toHaveBeenCalledTimes(5);
  });
});
