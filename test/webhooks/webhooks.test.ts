import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, KEYS, Stack } from '../helpers/stack.js';
import { Receiver, verifies } from './receiver.js';

const ENDPOINT_FIELDS = 'id url eventTypes enabled description disabledReason failingSince filter { sourceIds }';
const DELIVERY_FIELDS = 'id eventId eventType status attempts lastResponseCode lastError nextAttemptAt createdAt';

describe('outbound webhooks (in memory)', () => {
  const stack = new Stack({
    fleetSize: 6,
    pollIntervalMs: 100,
    config: {
      webhooks: {
        allowHosts: ['127.0.0.1'],
        retryScheduleMs: [50, 100, 150, 200, 300, 400, 500, 600],
        jitter: 0,
        timeoutMs: 1000,
        disableAfterMs: 1500,
        pollMs: 20,
      },
    },
  });
  const receiver = new Receiver();
  let devices: { id: string; name: string; vendorDeviceId: string }[] = [];

  beforeAll(async () => {
    await Promise.all([stack.start(), receiver.listen()]);
    devices = (await stack.deviceIds('cloud')).filter((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo'));
    expect(devices.length).toBeGreaterThanOrEqual(4);
  }, 20_000);

  afterAll(async () => {
    await stack.close();
    await receiver.close();
  });

  async function create(path: string, extra: Record<string, unknown> = {}) {
    const r = await stack.gql(
      `mutation($url:String!, $types:[WebhookEventType!]!, $filter:DeviceFilter, $d:String){
        createWebhookEndpoint(url:$url, eventTypes:$types, filter:$filter, description:$d) {
          __typename ... on CreateWebhookEndpointSuccess { secret endpoint { ${ENDPOINT_FIELDS} } } ... on Error { message }
        } }`,
      { url: `${receiver.url}${path}`, types: ['DEVICE_CHANGED'], filter: { sourceIds: ['cloud'] }, d: path, ...extra },
    );
    const out = r.data.createWebhookEndpoint;
    expect(out.__typename, out.message).toBe('CreateWebhookEndpointSuccess');
    // the secret is for this test's receiver, not a configured one: kept out of the leak check on this body
    stack.bodies.pop();
    return out as { secret: string; endpoint: { id: string } };
  }

  const remove = (id: string) => stack.gql('mutation($id:ID!){ deleteWebhookEndpoint(id:$id) { __typename } }', { id });

  async function deliveries(endpointId: string, status: string | null = null) {
    const r = await stack.gql(`{ webhookEndpoints { id deliveries(first: 100${status ? `, status: ${status}` : ''}) { ${DELIVERY_FIELDS} } } }`);
    return r.data.webhookEndpoints.find((e: { id: string }) => e.id === endpointId).deliveries as {
      id: string;
      eventId: string;
      status: string;
      attempts: number;
      lastResponseCode: number | null;
      lastError: string | null;
    }[];
  }

  const polls = () => stack.app.runtime.pollers.get('cloud')?.polls ?? 0;
  /** Two polls from now: a change made before is news by then (sent, if an endpoint wants it). */
  const twoPolls = async () => {
    const before = polls();
    await eventually(() => polls() >= before + 2, 5000, 'two cloud polls');
  };
  /** Pollers run once an endpoint exists; changes are news only after their next read. */
  const pollerReady = twoPolls;
  /** A test's last changes are read while its endpoint still polls, so the next test's endpoint is not sent them. */
  const finish = async (endpointId: string, ...after: [string, boolean][]) => {
    for (const [id, on] of after) await toggle(id, on);
    if (after.length) await twoPolls();
    await remove(endpointId);
  };

  const toggle = async (deviceId: string, on: boolean) => {
    const r = await stack.gql(`mutation($id:ID!){ ${on ? 'startRecording' : 'stopRecording'}(deviceId:$id) { __typename } }`, { id: deviceId });
    expect(r.data[on ? 'startRecording' : 'stopRecording'].__typename).not.toMatch(/Error$/);
  };

  it('signs every delivery the Standard Webhooks way; the secret is shown once and never logged', async () => {
    const { secret, endpoint } = await create('/signed');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await pollerReady();
    await toggle(devices[0]!.id, true);
    const got = await eventually(() => receiver.at('/signed').find((r) => JSON.parse(r.body).data.device.id === devices[0]!.id), 5000, 'a delivery');
    expect(verifies(secret, got)).toBe(true);
    // a character in the middle (the one before "=" carries padding bits: changing it may decode to the same key)
    const tampered = secret.slice(0, 20) + (secret[20] === 'A' ? 'B' : 'A') + secret.slice(21);
    expect(verifies(tampered, got)).toBe(false);
    expect(Math.abs(Number(got.timestamp) - Date.now() / 1000)).toBeLessThan(30);
    const body = JSON.parse(got.body);
    expect(body.type).toBe('device.changed');
    expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
    expect(body.data.device.isRecording).toBe(true);
    expect(body.data.changedFields).toContain('isRecording');

    // not readable again, through the API or in the log
    const listed = await stack.gql(`{ webhookEndpoints { ${ENDPOINT_FIELDS} } }`);
    expect(JSON.stringify(listed)).not.toContain(secret.slice(6));
    expect((await stack.gql('{ webhookEndpoints { secret } }')).errors?.[0]?.message).toMatch(/secret/);
    expect(stack.logLines.join('\n')).not.toContain(secret.slice(6));

    // rotated: the old secret no longer verifies, the new one does
    const rotated = await stack.gql('mutation($id:ID!){ rotateWebhookSecret(id:$id) { ... on RotateWebhookSecretSuccess { secret } } }', { id: endpoint.id });
    stack.bodies.pop();
    const fresh = rotated.data.rotateWebhookSecret.secret as string;
    expect(fresh).not.toBe(secret);
    const before = receiver.at('/signed').length;
    await toggle(devices[0]!.id, false);
    const next = await eventually(() => receiver.at('/signed').slice(before)[0], 5000, 'a delivery after rotation');
    expect(verifies(fresh, next)).toBe(true);
    expect(verifies(secret, next)).toBe(false);
    await remove(endpoint.id);
  });

  it('needs the admin scope', async () => {
    const r = await stack.gql(
      'mutation($url:String!){ createWebhookEndpoint(url:$url, eventTypes:[DEVICE_CHANGED]) { __typename } }',
      { url: `${receiver.url}/nope` },
      KEYS.control,
    );
    expect(r.data.createWebhookEndpoint.__typename).toBe('PermissionDeniedError');
    const q = await stack.gql('{ webhookEndpoints { id } }', {}, KEYS.reader);
    expect(q.errors?.[0]?.extensions?.code).toBe('PermissionDeniedError');
  });

  it('a receiver that fails, then recovers, gets every event exactly once by webhook-id', async () => {
    receiver.answers.set('/flaky', (n) => (n < 3 ? 500 : 200));
    const { endpoint } = await create('/flaky');
    await pollerReady();
    const sent = (on: boolean) => {
      const bodies = receiver.at('/flaky').map((r) => JSON.parse(r.body).data.device);
      return devices.slice(0, 4).every((d) => bodies.some((b) => b.id === d.id && b.isRecording === on));
    };
    // each start is seen by a poll before the stop (else one read could see neither)
    for (const d of devices.slice(0, 4)) await toggle(d.id, true);
    await eventually(() => sent(true), 5000, 'every start sent');
    for (const d of devices.slice(0, 4)) await toggle(d.id, false);
    await eventually(async () => sent(false) && (await deliveries(endpoint.id)).every((d) => d.status === 'SUCCEEDED'), 10_000, 'every delivery succeeded');
    const log = await deliveries(endpoint.id);
    const accepted = receiver.accepted('/flaky');
    expect(new Set(log.map((d) => d.eventId))).toEqual(new Set(accepted.keys()));
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    expect(accepted.size).toBeGreaterThanOrEqual(8);
    // the failures were retried, with the same id
    expect(receiver.at('/flaky').filter((r) => r.status === 500)).toHaveLength(3);
    for (const failed of receiver.at('/flaky').filter((r) => r.status === 500)) expect(accepted.get(failed.id)).toBe(1);
    expect(log.some((d) => d.attempts > 1)).toBe(true);
    await remove(endpoint.id);
  });

  it('does not follow redirects: a 302 is a failure and its target is never asked', async () => {
    receiver.answers.set('/moved', () => ({ redirect: `${receiver.url}/target` }));
    const { endpoint } = await create('/moved');
    await pollerReady();
    await toggle(devices[1]!.id, true);
    const failed = await eventually(async () => (await deliveries(endpoint.id)).find((d) => d.attempts >= 2), 5000, 'a failed delivery');
    expect(failed.status).toMatch(/FAILED|DEAD/);
    expect(failed.lastResponseCode).toBe(302);
    expect(failed.lastError).toBe('redirect not followed (HTTP 302)');
    expect(receiver.at('/target')).toHaveLength(0);
    await finish(endpoint.id, [devices[1]!.id, false]);
  });

  it('disables an endpoint failing for the configured window; redelivery works once it is enabled again', async () => {
    let down = true;
    receiver.answers.set('/down', () => (down ? 503 : 200));
    const { endpoint } = await create('/down');
    await pollerReady();
    await toggle(devices[2]!.id, true);
    const disabled = await eventually(async () => {
      const r = await stack.gql(`{ webhookEndpoints { ${ENDPOINT_FIELDS} } }`);
      const e = r.data.webhookEndpoints.find((x: { id: string }) => x.id === endpoint.id);
      return !e.enabled && e;
    }, 8000, 'the endpoint disabled');
    expect(disabled.disabledReason).toMatch(/every delivery failed since/);
    const [dead] = await deliveries(endpoint.id, 'DEAD');
    expect(dead!.lastResponseCode).toBe(503);
    expect(dead!.attempts).toBeGreaterThan(1);

    // disabled: no redelivery, and no new deliveries
    const refused = await stack.gql('mutation($id:ID!){ redeliverWebhook(deliveryId:$id) { __typename } }', { id: dead!.id });
    expect(refused.data.redeliverWebhook.__typename).toBe('ValidationError');

    // an admin's other edit leaves it disabled
    const edited = await stack.gql(`mutation($id:ID!){ updateWebhookEndpoint(id:$id, description:"still down") { ... on UpdateWebhookEndpointSuccess { endpoint { ${ENDPOINT_FIELDS} } } } }`, { id: endpoint.id });
    expect(edited.data.updateWebhookEndpoint.endpoint).toMatchObject({ enabled: false, description: 'still down', disabledReason: disabled.disabledReason });

    down = false;
    const enabled = await stack.gql(`mutation($id:ID!){ updateWebhookEndpoint(id:$id, enabled:true) { ... on UpdateWebhookEndpointSuccess { endpoint { ${ENDPOINT_FIELDS} } } } }`, { id: endpoint.id });
    expect(enabled.data.updateWebhookEndpoint.endpoint).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    const hits = receiver.at('/down').length;
    const again = await stack.gql(`mutation($id:ID!){ redeliverWebhook(deliveryId:$id) { ... on RedeliverWebhookSuccess { delivery { ${DELIVERY_FIELDS} } } } }`, { id: dead!.id });
    expect(again.data.redeliverWebhook.delivery.status).toBe('PENDING');
    const redelivered = await eventually(() => receiver.at('/down').slice(hits).find((r) => r.id === dead!.eventId && r.status === 200), 5000, 'the redelivery');
    expect(redelivered.id).toBe(dead!.eventId);
    await eventually(async () => (await deliveries(endpoint.id)).find((d) => d.id === dead!.id)?.status === 'SUCCEEDED', 5000, 'redelivery recorded');
    await finish(endpoint.id, [devices[2]!.id, false]);
  });

  it('sends command changes of the devices its filter names (devices looked up by id)', async () => {
    const [wanted, other] = [devices[3]!, devices[1]!] as const;
    const { endpoint } = await create('/commands', { types: ['COMMAND_CHANGED'], filter: { sourceIds: ['cloud'], search: wanted.name } });
    await toggle(other.id, true);
    await toggle(wanted.id, true);
    const got = await eventually(() => receiver.at('/commands').map((r) => JSON.parse(r.body)).find((b) => b.data.command.deviceId === wanted.id), 5000, 'a command event');
    expect(got.type).toBe('command.changed');
    expect(got.data.command.state).toMatch(/PENDING|CONFIRMED/);
    await toggle(wanted.id, false);
    await eventually(() => receiver.at('/commands').filter((r) => JSON.parse(r.body).data.command.deviceId === wanted.id).length >= 2, 5000, 'the stop command');
    expect(receiver.at('/commands').some((r) => JSON.parse(r.body).data.command.deviceId === other.id)).toBe(false);
    await finish(endpoint.id, [other.id, false]);
  });

  it('skips a command event about a device this replica has not read, rather than matching it on its source alone', async () => {
    const { endpoint } = await create('/unknown', { types: ['COMMAND_CHANGED'], filter: { sourceIds: ['cloud'] } });
    const command = (vendorId: string, id: string) => ({
      id,
      sourceId: 'cloud',
      deviceVendorId: vendorId,
      kind: 'startRecording' as const,
      state: 'PENDING' as const,
      issuedAt: new Date(),
      confirmedAt: null,
      finishedAt: null,
      deadline: new Date(Date.now() + 60_000),
      observable: true,
      error: null,
    });
    stack.app.runtime.pubsub.publish('commandChanged', command('no-such-device', 'cmd-unknown'));
    // a known device's event, published after: once it is delivered, the first one would have been too
    stack.app.runtime.pubsub.publish('commandChanged', command(devices[0]!.vendorDeviceId, 'cmd-known'));
    await eventually(() => receiver.at('/unknown').length >= 1, 5000, 'the known device\'s command');
    expect(receiver.at('/unknown').map((r) => JSON.parse(r.body).data.command.deviceId)).toEqual([devices[0]!.id]);
    expect(await deliveries(endpoint.id)).toHaveLength(1);
    await remove(endpoint.id);
  });

  it('needs the admin scope to change, delete, rotate or redeliver', async () => {
    const { endpoint } = await create('/scoped');
    for (const key of [KEYS.control, KEYS.reader]) {
      const r = await stack.gql(
        `mutation($id:ID!){
          u: updateWebhookEndpoint(id:$id, description:"x") { __typename }
          r: rotateWebhookSecret(id:$id) { __typename }
          d: redeliverWebhook(deliveryId:"dlv_x") { __typename }
          x: deleteWebhookEndpoint(id:$id) { __typename }
        }`,
        { id: endpoint.id },
        key,
      );
      expect(r.data).toEqual({ u: { __typename: 'PermissionDeniedError' }, r: { __typename: 'PermissionDeniedError' }, d: { __typename: 'PermissionDeniedError' }, x: { __typename: 'PermissionDeniedError' } });
    }
    const [still] = (await stack.gql(`{ webhookEndpoints { ${ENDPOINT_FIELDS} } }`)).data.webhookEndpoints.filter((e: { id: string }) => e.id === endpoint.id);
    expect(still).toMatchObject({ description: '/scoped' });
    await remove(endpoint.id);
  });

  it('updates and deletes endpoints; unknown ones are NotFoundError', async () => {
    const { endpoint } = await create('/edit');
    const r = await stack.gql(`mutation($id:ID!){ updateWebhookEndpoint(id:$id, description:"renamed", eventTypes:[DEVICE_CHANGED, RECORDING_ADDED], filter:null) { ... on UpdateWebhookEndpointSuccess { endpoint { ${ENDPOINT_FIELDS} } } } }`, { id: endpoint.id });
    expect(r.data.updateWebhookEndpoint.endpoint).toMatchObject({ description: 'renamed', eventTypes: ['DEVICE_CHANGED', 'RECORDING_ADDED'], filter: null, url: `${receiver.url}/edit` });
    const moved = await stack.gql('mutation($id:ID!){ updateWebhookEndpoint(id:$id, url:"http://10.0.0.8/hook") { __typename ... on ValidationError { field } } }', { id: endpoint.id });
    expect(moved.data.updateWebhookEndpoint).toEqual({ __typename: 'ValidationError', field: 'url' });
    expect((await remove(endpoint.id)).data.deleteWebhookEndpoint.__typename).toBe('DeleteWebhookEndpointSuccess');
    expect((await remove(endpoint.id)).data.deleteWebhookEndpoint.__typename).toBe('NotFoundError');
    expect((await stack.gql('{ webhookEndpoints { id } }')).data.webhookEndpoints.map((e: { id: string }) => e.id)).not.toContain(endpoint.id);
  });
});

describe('outbound webhooks: a receiver that never answers', () => {
  const TIMEOUT_MS = 4000;
  const stack = new Stack({
    fleetSize: 6,
    pollIntervalMs: 100,
    config: { webhooks: { allowHosts: ['127.0.0.1'], timeoutMs: TIMEOUT_MS, concurrency: 4, endpointConcurrency: 2, pollMs: 20, retryScheduleMs: [10_000], jitter: 0 } },
  });
  const receiver = new Receiver();

  beforeAll(async () => {
    await Promise.all([stack.start(), receiver.listen()]);
  }, 20_000);

  afterAll(async () => {
    await stack.close();
    await receiver.close();
  });

  it('does not hold up the deliveries of a healthy endpoint', async () => {
    receiver.answers.set('/hang', () => 'hang');
    const devices = (await stack.deviceIds('cloud')).filter((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo')).slice(0, 4);
    expect(devices).toHaveLength(4);
    for (const path of ['/hang', '/fast']) {
      const r = await stack.gql(
        'mutation($url:String!){ createWebhookEndpoint(url:$url, eventTypes:[DEVICE_CHANGED], filter:{ sourceIds:["cloud"] }) { __typename } }',
        { url: `${receiver.url}${path}` },
      );
      expect(r.data.createWebhookEndpoint.__typename).toBe('CreateWebhookEndpointSuccess');
      stack.bodies.pop();
    }
    const polls = () => stack.app.runtime.pollers.get('cloud')?.polls ?? 0;
    const before = polls();
    await eventually(() => polls() >= before + 2, 5000, 'two cloud polls');
    const toggle = (id: string, on: boolean) => stack.gql(`mutation($id:ID!){ ${on ? 'startRecording' : 'stopRecording'}(deviceId:$id) { __typename } }`, { id });
    const fastHas = (on: boolean) => devices.every((d) => receiver.at('/fast').some((r) => JSON.parse(r.body).data.device.id === d.id && JSON.parse(r.body).data.device.isRecording === on));

    // eight events, each for both endpoints: more than the replica's 4 slots, were the hanging endpoint to take them all
    for (const d of devices) await toggle(d.id, true);
    await eventually(() => fastHas(true), 5000, 'every start at the healthy endpoint');
    for (const d of devices) await toggle(d.id, false);
    await eventually(() => fastHas(false), 5000, 'every stop at the healthy endpoint');
    const firstHang = receiver.at('/hang')[0]!;
    const lastFast = Math.max(...receiver.at('/fast').map((r) => r.at));
    // all of them before the first attempt at the hanging endpoint even timed out
    expect(lastFast - firstHang.at).toBeLessThan(TIMEOUT_MS - 500);
    // and the hanging endpoint never had more than its share (2) of attempts open at once
    expect(receiver.at('/hang').filter((r) => r.at < firstHang.at + TIMEOUT_MS - 500).length).toBeLessThanOrEqual(2);
  }, 20_000);
});

describe('outbound webhooks without an allow-list', () => {
  const stack = new Stack({ fleetSize: 2 });
  const receiver = new Receiver();

  beforeAll(async () => {
    await Promise.all([stack.start(), receiver.listen()]);
  }, 20_000);

  afterAll(async () => {
    await stack.close();
    await receiver.close();
  });

  it('refuses endpoints on loopback, private, link-local and other internal addresses, storing nothing', async () => {
    const port = new URL(receiver.url).port;
    for (const url of [
      receiver.url,
      `http://localhost:${port}/`,
      `http://[::1]:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      'http://10.1.2.3/hook',
      'http://192.168.1.10/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[fd00::1]/hook',
      'http://[fe80::1]/hook',
      'http://0.0.0.0/hook',
      'http://224.0.0.1/hook',
      'ftp://example.com/hook',
      'https://user:pw@example.com/hook',
      'not a url',
    ]) {
      const r = await stack.gql('mutation($url:String!){ createWebhookEndpoint(url:$url, eventTypes:[DEVICE_CHANGED]) { __typename ... on ValidationError { field message } } }', { url });
      expect(r.data.createWebhookEndpoint, url).toMatchObject({ __typename: 'ValidationError', field: 'url' });
    }
    expect((await stack.gql('{ webhookEndpoints { id } }')).data.webhookEndpoints).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });
});
