import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { learnSecret, learnedSecrets } from '../../src/secrets.js';
import { redact, scrubCredentials, vendorText } from '../../src/sources/redact.js';

const randomSecret = (i: number) => `s3cr-${i.toString(36)}-${Math.random().toString(36).slice(2, 12)}`;

describe('redact: known secrets', () => {
  it('masks every occurrence of every secret and of its URL-encoded form', () => {
    const text = 'a tok/en+1 b tok%2Fen%2B1 c tok/en+1 d pw=hunter22 hunter22';
    expect(redact(text, ['tok/en+1', 'hunter22'])).toBe('a *** b *** c *** d pw=*** ***');
  });

  it('masks the longer of two overlapping secrets whole, wherever they sit in the list', () => {
    expect(redact('x abcdefgh y', ['abcd', 'abcdefgh'])).toBe('x *** y');
    expect(redact('x abcdefgh y', ['abcdefgh', 'abcd'])).toBe('x *** y');
  });

  it('still masks secrets shorter than four characters, and ignores empty ones', () => {
    expect(redact('pin 123 here', ['', '123'])).toBe('pin *** here');
  });

  it('follows a list that changes between calls, even when each call passes a fresh array', () => {
    const base = ['first-secret-1'];
    expect(redact('first-secret-1 second-secret-2', [...base])).toBe('*** second-secret-2');
    expect(redact('first-secret-1 second-secret-2', [...base, 'second-secret-2'])).toBe('*** ***');
    expect(redact('first-secret-1 second-secret-2', [...base])).toBe('*** second-secret-2');
  });

  it('finds each of 10,000 secrets', () => {
    const secrets = Array.from({ length: 10_000 }, (_, i) => randomSecret(i));
    const picks = [0, 1234, 5000, 9999].map((i) => secrets[i]!);
    const text = `start ${picks.join(' mid ')} end ${encodeURIComponent(picks[0]!)}`;
    expect(redact(text, [...secrets])).toBe('start *** mid *** mid *** mid *** end ***');
  });

  it('costs far less than a split per secret: 10,000 secrets, 2,000 log lines well under a second', () => {
    const secrets = Array.from({ length: 10_000 }, (_, i) => randomSecret(i));
    const line = `{"level":30,"time":1718000000000,"source":"cams","msg":"poll failed","err":"GET devices: HTTP 503 ${secrets[42]}"}`;
    redact(line, [...secrets]);
    const t0 = performance.now();
    // A fresh array per line, as the logger's secrets() builds one.
    for (let i = 0; i < 2000; i++) redact(line, [...secrets]);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('redact: credential shapes no list knows', () => {
  it('masks userinfo in URLs', () => {
    expect(scrubCredentials('push to rtmp://bob:pa55word@live.example.com/app/key failed')).toBe('push to rtmp://***@live.example.com/app/key failed');
    expect(scrubCredentials('see https://user@host.example/x')).toBe('see https://***@host.example/x');
  });

  it('masks values of credential-named query parameters, leaving the rest', () => {
    const url = 'http://h/v1/cameras/x.json?api_id=ops&api_key=K1&apiKey=K2&key=K3&token=T1&access_token=T2&userToken=T3&auth=A&password=P&secret=S&sig=G&signature=G2&from=1&to=2&id=Admin';
    expect(scrubCredentials(`Invalid parameters for GET ${url}`)).toBe(
      'Invalid parameters for GET http://h/v1/cameras/x.json?api_id=***&api_key=***&apiKey=***&key=***&token=***&access_token=***&userToken=***&auth=***&password=***&secret=***&sig=***&signature=***&from=1&to=2&id=Admin',
    );
  });

  it('masks them inside an URL-encoded URL and in JSON log lines', () => {
    expect(scrubCredentials('next=http%3A%2F%2Fh%2Fx%3Fapi_key%3DK1%26page%3D2')).toBe('next=http%3A%2F%2Fh%2Fx%3Fapi_key%3D***%26page%3D2');
    expect(scrubCredentials('{"msg":"GET /alert?uid=1.2&token=abc.def","level":30}')).toBe('{"msg":"GET /alert?uid=1.2&token=***","level":30}');
  });

  it('leaves text without credential shapes alone', () => {
    const text = 'camera 1.2: Unauthorized (HTTP 401) at 2025-06-14T09:00:00Z, a=b';
    expect(scrubCredentials(text)).toBe(text);
  });
});

describe('vendorText', () => {
  it('scrubs the source\'s and learned secrets and credential shapes, then bounds the length', () => {
    learnSecret('learned-camera-pass-77');
    const said = `bad ${'x'.repeat(400)} http://h/?api_key=abc learned-camera-pass-77 own-key-9999`;
    const out = vendorText(`own-key-9999 learned-camera-pass-77 ${said}`, ['own-key-9999']);
    expect(out.startsWith('*** *** bad xxx')).toBe(true);
    expect(out.length).toBeLessThanOrEqual(301);
    expect(vendorText('id http://h/?api_key=abc learned-camera-pass-77', [])).toBe('id http://h/?api_key=*** ***');
  });
});

describe('learned secrets and the logger', () => {
  it('hands out the same list until a secret is learned', () => {
    const a = learnedSecrets();
    expect(learnedSecrets()).toBe(a);
    learnSecret('learned-token-abcdef');
    expect(learnedSecrets()).not.toBe(a);
    expect(learnedSecrets()).toContain('learned-token-abcdef');
  });

  it('scrubs every line, following secrets learned after it started', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger({ secrets: () => ['configured-key-1234', ...learnedSecrets()], destination, level: 'info' });
    log.info({ url: 'http://h/x?api_key=raw-value-1' }, 'configured-key-1234 first');
    learnSecret('session-token-later-1');
    log.info('session-token-later-1 second');
    expect(lines.join('')).not.toMatch(/configured-key-1234|raw-value-1|session-token-later-1/);
    expect(lines[0]).toContain('api_key=***');
    expect(lines[1]).toContain('*** second');
  });
});
