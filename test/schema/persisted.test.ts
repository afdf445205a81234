import { createHash } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetDocument, StartRecordingDocument } from '../../operations/generated/graphql.js';
import manifest from '../../operations/generated/persisted-documents.json' with { type: 'json' };
import { KEYS, Stack, type GqlResult } from '../helpers/stack.js';

/** The manifest id of a generated document (codegen embeds it as __meta__.hash). */
function idOf(doc: TypedDocumentNode<unknown, never>): string {
  return (doc as unknown as { __meta__: { hash: string } }).__meta__.hash;
}

/** A raw GraphQL POST (documentId or APQ bodies); the answer is kept for the stack's secret check. */
async function post(stack: Stack, body: Record<string, unknown>): Promise<GqlResult> {
  const res = await fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.admin}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  stack.bodies.push(text);
  return { status: res.status, ...(JSON.parse(text) as object) };
}

/** Runs a generated TypedDocumentNode as its text: result and variables are typed by the document. */
function run<R, V extends Record<string, unknown>>(stack: Stack, doc: TypedDocumentNode<R, V>, variables: V): Promise<GqlResult<R>> {
  return stack.gql<R>(print(doc), variables);
}

const fleetId = idOf(FleetDocument);
const fleetHash = fleetId.replace(/^sha256:/, '');

describe('persisted documents (persistedOperations: "allow", the default)', () => {
  const stack = new Stack({ fleetSize: 3, timeoutMs: 5_000 });
  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  it('every manifest id is the sha256 of its document, so it doubles as an APQ hash', () => {
    for (const [id, text] of Object.entries(manifest)) expect(id).toBe(`sha256:${createHash('sha256').update(text).digest('hex')}`);
    expect(Object.keys(manifest).length).toBeGreaterThanOrEqual(24 + 5 + 8);
  });

  it('runs a document by documentId', async () => {
    const r = await post(stack, { documentId: fleetId, variables: { first: 2 } });
    expect(r.errors).toBeUndefined();
    expect(r.data.devices.edges).toHaveLength(2);
    expect(r.data.sources.map((s: { name: string }) => s.name).sort()).toEqual(['cloud', 'studio']);
  });

  it('runs a document by Apollo APQ hash (extensions.persistedQuery.sha256Hash)', async () => {
    const r = await post(stack, { operationName: 'Fleet', variables: { first: 1 }, extensions: { persistedQuery: { version: 1, sha256Hash: fleetHash } } });
    expect(r.errors).toBeUndefined();
    expect(r.data.devices.edges).toHaveLength(1);
  });

  it('refuses an unknown id with PersistedQueryNotFound and runs nothing', async () => {
    const r = await post(stack, { documentId: `sha256:${'0'.repeat(64)}` });
    expect(r.data).toBeUndefined();
    expect(r.errors?.[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
  });

  it('lets an APQ client register its own document (hash checked) and then run it by hash alone', async () => {
    const query = '{ sources { name } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const apq = { persistedQuery: { version: 1, sha256Hash } };
    expect((await post(stack, { extensions: apq })).errors?.[0]?.message).toBe('PersistedQueryNotFound');
    // a wrong hash registers nothing
    const forged = '{ sources { id } }';
    await post(stack, { query: forged, extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update('other').digest('hex') } } });
    expect((await post(stack, { query, extensions: apq })).data.sources).toHaveLength(2);
    const byHash = await post(stack, { extensions: apq });
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data.sources).toHaveLength(2);
  });

  it('executes a generated TypedDocumentNode (query and mutation) through print()', async () => {
    const fleet = await run(stack, FleetDocument, { first: 3 });
    expect(fleet.errors).toBeUndefined();
    const device = fleet.data!.devices.edges.map((e) => e.node).find((d) => d.connection === 'ONLINE')!;
    expect(device.source.name).toMatch(/cloud|studio/);
    const started = await run(stack, StartRecordingDocument, { deviceId: device.id });
    const result = started.data!.startRecording;
    if (result.__typename !== 'StartRecordingSuccess') throw new Error(`startRecording answered ${result.__typename}`);
    expect(result.device.id).toBe(device.id);
  });
});

describe('persistedOperations: "require"', () => {
  const stack = new Stack({ fleetSize: 2, timeoutMs: 5_000, config: { persistedOperations: 'require' } });
  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  it('refuses an ad-hoc query over HTTP before running it', async () => {
    const r = await stack.gql('{ sources { name } }');
    expect(r.status).toBe(400);
    expect(r.data).toBeUndefined();
    expect(r.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('refuses a request with neither query nor id', async () => {
    const r = await post(stack, { variables: {} });
    expect(r.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
  });

  it('runs a persisted document, by documentId and by APQ hash', async () => {
    const byId = await post(stack, { documentId: fleetId, variables: { first: 1 } });
    expect(byId.errors).toBeUndefined();
    expect(byId.data.devices.edges).toHaveLength(1);
    const byHash = await post(stack, { extensions: { persistedQuery: { version: 1, sha256Hash: fleetHash } } });
    expect(byHash.errors).toBeUndefined();
  });

  it('registers nothing from APQ clients', async () => {
    const query = '{ sources { name } }';
    const apq = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
    expect((await post(stack, { query, extensions: apq })).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    expect((await post(stack, { extensions: apq })).errors?.[0]?.message).toBe('PersistedQueryNotFound');
  });

  it('refuses an ad-hoc operation over graphql-ws, and runs a manifest document sent as its text', async () => {
    const ws = stack.wsClient();
    // graphql-ws answers a refused operation with an error message, which the client throws
    const adHoc = await ws.iterate({ query: '{ sources { name } }' }).next().then(
      () => 'ran',
      (e: unknown) => JSON.stringify(e),
    );
    expect(adHoc).toMatch(/persisted documents only/);
    const text = (manifest as Record<string, string>)[fleetId]!;
    const ok = await ws.iterate({ query: text, variables: { first: 1 } }).next();
    expect(ok.value?.errors).toBeUndefined();
    expect((ok.value?.data as { devices: { edges: unknown[] } }).devices.edges).toHaveLength(1);
  });
});
