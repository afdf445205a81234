import { describe, expect, it } from 'vitest';
import { configSecrets, parseConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

const ISSUE_EXAMPLE = {
  port: 4000,
  publicUrl: 'http://localhost:4000',
  apiKeys: [{ name: 'wall', key: '${WALL_KEY}', scopes: ['read', 'control'] }],
  redisUrl: 'redis://127.0.0.1:6379',
  sources: [
    { id: 'cloud', vendor: 'EPIPHAN_CLOUD', baseUrl: 'https://go.epiphancloud.com', token: '${EPIPHAN_TOKEN}' },
    { id: 'studio', vendor: 'AV_STUDIO', baseUrl: 'https://go.avstudio.com', token: '${AVSTUDIO_TOKEN}' },
    { id: 'encoders', vendor: 'MAGEWELL', devices: [{ baseUrl: 'http://10.0.0.21', username: 'Admin', password: '${MW_PASS}' }] },
    { id: 'cams', vendor: 'VIDEOLOFT', authUrl: 'https://auth1.manything.com', email: 'ops@example.com', password: '${VL_PASS}' },
    { id: 'sites', vendor: 'EVERCAM', baseUrl: 'https://api.evercam.io/v1', apiId: 'abc', apiKey: '${EVERCAM_KEY}' },
  ],
};
const ENV = {
  WALL_KEY: 'wall-key-123456',
  EPIPHAN_TOKEN: 'ep-token',
  AVSTUDIO_TOKEN: 'avs-token',
  MW_PASS: 'mw-pass',
  VL_PASS: 'vl-pass',
  EVERCAM_KEY: 'ev-key',
};

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('accepts the documented shape and fills ${NAME} from the environment', () => {
    const cfg = parseConfig(ISSUE_EXAMPLE, ENV);
    expect(cfg.sources.map((s) => s.id)).toEqual(['cloud', 'studio', 'encoders', 'cams', 'sites']);
    expect(cfg.apiKeys[0]!.key).toBe('wall-key-123456');
    expect(cfg.sources[0]).toMatchObject({ token: 'ep-token' });
    expect(configSecrets(cfg)).toEqual(expect.arrayContaining(['ep-token', 'avs-token', 'mw-pass', 'vl-pass', 'ev-key', 'wall-key-123456']));
  });

  it('lets PORT override port', () => {
    expect(parseConfig({}, { PORT: '5055' }).port).toBe(5055);
    expect(message(() => parseConfig({}, { PORT: 'abc' }))).toMatch(/PORT/);
  });

  it.each([
    ['an unset variable', { sources: [{ id: 'c', vendor: 'AV_STUDIO', baseUrl: 'https://x', token: '${NOPE}' }] }, /sources\[0\]\.token: environment variable NOPE is not set/],
    ['an unknown vendor', { sources: [{ id: 'c', vendor: 'ACME', baseUrl: 'https://x' }] }, /sources\[0\]\.vendor: unknown vendor/],
    ['a missing key', { sources: [{ id: 'c', vendor: 'AV_STUDIO', baseUrl: 'https://x' }] }, /sources\[0\]\.token/],
    ['a duplicate source id', { sources: [
      { id: 'c', vendor: 'AV_STUDIO', baseUrl: 'https://x', token: 't' },
      { id: 'c', vendor: 'EPIPHAN_CLOUD', baseUrl: 'https://y', token: 't' },
    ] }, /sources\[1\]\.id: duplicate source id "c"/],
    ['a non-http URL', { sources: [{ id: 'c', vendor: 'AV_STUDIO', baseUrl: 'ftp://x', token: 't' }] }, /sources\[0\]\.baseUrl/],
    ['an unknown key', { sources: [], colour: 'red' }, /colour/],
    ['a bad scope', { apiKeys: [{ name: 'k', key: '12345678', scopes: ['root'] }] }, /apiKeys\[0\]\.scopes\[0\]/],
  ])('stops on %s with one line naming the key', (_what, raw, pattern) => {
    const m = message(() => parseConfig(raw, {}));
    expect(m).toMatch(pattern);
    expect(m.split('\n')).toHaveLength(1);
  });
});

describe('config: limits', () => {
  it('defaults every limit, and takes partial blocks', () => {
    expect(parseConfig({}, {}).limits).toEqual({
      maxDepth: 12,
      maxAliases: 15,
      maxTokens: 2000,
      maxDirectives: 20,
      maxCost: 40_000,
      maxBodyBytes: 1024 * 1024,
      maxVariablesBytes: 256 * 1024,
      maxSubscriptionsPerConnection: 100,
      maxSseSubscriptionsPerKey: 100,
      rateLimit: { costPerWindow: 300_000, windowSeconds: 60 },
    });
    const cfg = parseConfig({ limits: { maxCost: 5000, rateLimit: { windowSeconds: 10 } } }, {});
    expect(cfg.limits).toMatchObject({ maxCost: 5000, maxDepth: 12, rateLimit: { costPerWindow: 300_000, windowSeconds: 10 } });
    expect(parseConfig({ limits: { rateLimit: { costPerWindow: 0 } } }, {}).limits.rateLimit.costPerWindow).toBe(0);
  });

  it.each([
    ['an unknown limit', { limits: { maxDeep: 3 } }, /limits: .*maxDeep/],
    ['a budget below one operation', { limits: { maxCost: 5000, rateLimit: { costPerWindow: 100 } } }, /limits\.rateLimit\.costPerWindow: must be at least maxCost/],
    ['a fractional window', { limits: { rateLimit: { windowSeconds: 0.5 } } }, /limits\.rateLimit\.windowSeconds/],
    ['a tiny body limit', { limits: { maxBodyBytes: 10 } }, /limits\.maxBodyBytes/],
  ])('stops on %s', (_what, raw, pattern) => {
    expect(message(() => parseConfig(raw, {}))).toMatch(pattern);
  });
});
