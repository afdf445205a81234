import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { WebhookSender } from '../../src/webhooks/sender.js';
import { UrlGuard } from '../../src/webhooks/url-guard.js';
import { Receiver } from './receiver.js';

describe('webhook URL guard', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.listen());
  afterAll(() => receiver.close());

  it('classifies addresses: internal ones refused, public ones allowed', () => {
    const guard = new UrlGuard({ allowHosts: [], allowPrivateNetworks: false });
    for (const a of ['127.0.0.1', '10.0.0.1', '172.20.1.1', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.5', '255.255.255.255', '::', '::1', '::ffff:8.8.8.8', 'fd12::1', 'fe80::1', 'ff02::1', '64:ff9b::808:808', '::7f00:1', '::ffff:0:7f00:1', '2002:7f00:1::1']) {
      expect(guard.addressAllowed(a), a).toBe(false);
    }
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) expect(guard.addressAllowed(a), a).toBe(true);
    expect(() => guard.check('https://93.184.215.14/hook')).not.toThrow();
    expect(() => guard.check('http://127.0.0.1/hook')).toThrow(ValidationError);
  });

  it('allow-list and allowPrivateNetworks open what they name', () => {
    expect(new UrlGuard({ allowHosts: ['127.0.0.1'], allowPrivateNetworks: false }).addressAllowed('127.0.0.1')).toBe(true);
    expect(new UrlGuard({ allowHosts: ['127.0.0.1'], allowPrivateNetworks: false }).addressAllowed('10.0.0.1')).toBe(false);
    const privateNets = new UrlGuard({ allowHosts: [], allowPrivateNetworks: true });
    for (const a of ['10.0.0.1', '172.20.1.1', '192.168.0.1', '100.64.0.1', 'fd12::1']) expect(privateNets.addressAllowed(a), a).toBe(true);
    // private networks, not this host, link-local (cloud metadata) or anything else internal
    for (const a of ['127.0.0.1', '169.254.169.254', '0.0.0.0', '::1', '::', 'fe80::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1', '224.0.0.5', '198.18.0.1']) {
      expect(privateNets.addressAllowed(a), a).toBe(false);
    }
    expect(() => privateNets.check('http://169.254.169.254/latest/meta-data')).toThrow(ValidationError);
  });

  it('resolves host names even with allowPrivateNetworks: a name for loopback is still refused', async () => {
    const guard = new UrlGuard({ allowHosts: [], allowPrivateNetworks: true });
    await expect(guard.checkResolved(`${receiver.url.replace('127.0.0.1', 'localhost')}/x`)).rejects.toThrow(ValidationError);
  });

  it('refuses an IPv4-mapped IPv6 address at delivery time too', async () => {
    const port = new URL(receiver.url).port;
    const sender = new WebhookSender(new UrlGuard({ allowHosts: [], allowPrivateNetworks: true }), { timeoutMs: 1000, maxResponseBytes: 1024 });
    expect(await sender.send(`http://[::ffff:127.0.0.1]:${port}/mapped`, {}, '{}')).toEqual({ ok: false, status: null, error: 'address not allowed' });
    expect(receiver.at('/mapped')).toHaveLength(0);
    await sender.close();
  });

  it('reads at most maxResponseBytes of a reply, however much the receiver sends', async () => {
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    // answers 200 and then streams without end until the client goes away
    const big = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const more = () => {
        let room = true;
        while (room && !res.destroyed && sent < 512 * 1024 * 1024) {
          sent += chunk.length;
          room = res.write(chunk);
        }
        if (!room && !res.destroyed) res.once('drain', more);
      };
      more();
    });
    await new Promise<void>((r) => big.listen(0, '127.0.0.1', r));
    const sender = new WebhookSender(new UrlGuard({ allowHosts: ['127.0.0.1'], allowPrivateNetworks: false }), { timeoutMs: 5000, maxResponseBytes: 1024 });
    const t0 = Date.now();
    expect(await sender.send(`http://127.0.0.1:${(big.address() as { port: number }).port}/`, {}, '{}')).toEqual({ ok: true, status: 200, error: null });
    expect(Date.now() - t0).toBeLessThan(2000);
    // what the server got into its socket before the client stopped reading: far from the endless reply
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    await sender.close();
    big.closeAllConnections();
    await new Promise((r) => big.close(r));
  });

  it('checks addresses again when delivering, after resolving the host name', async () => {
    // "localhost" passes the form check; what it resolves to is refused in the connection's own lookup
    const guard = new UrlGuard({ allowHosts: [], allowPrivateNetworks: false });
    const sender = new WebhookSender(guard, { timeoutMs: 1000, maxResponseBytes: 1024 });
    const url = receiver.url.replace('127.0.0.1', 'localhost');
    expect(() => guard.check(url)).not.toThrow();
    await expect(guard.checkResolved(url)).rejects.toThrow(ValidationError);
    expect(await sender.send(`${url}/rebound`, {}, '{}')).toEqual({ ok: false, status: null, error: 'address not allowed' });
    expect(receiver.requests).toHaveLength(0);
    await sender.close();

    // allowed by name: the same request goes through
    const open = new WebhookSender(new UrlGuard({ allowHosts: ['localhost'], allowPrivateNetworks: false }), { timeoutMs: 1000, maxResponseBytes: 1024 });
    expect(await open.send(`${url}/named`, {}, '{}')).toMatchObject({ ok: true, status: 200 });
    expect(receiver.at('/named')).toHaveLength(1);
    await open.close();
  });

  it('bounds each attempt in time', async () => {
    receiver.answers.set('/slow', () => 'hang');
    const sender = new WebhookSender(new UrlGuard({ allowHosts: ['127.0.0.1'], allowPrivateNetworks: false }), { timeoutMs: 300, maxResponseBytes: 1024 });
    const t0 = Date.now();
    expect(await sender.send(`${receiver.url}/slow`, {}, '{}')).toEqual({ ok: false, status: null, error: 'timed out' });
    expect(Date.now() - t0).toBeLessThan(2000);
    await sender.close();
  });
});
