import { GraphQLError, type ExecutionResult } from 'graphql';
import { MessageType, stringifyMessage } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import { nextFrame, nextFramePrefix, sharedPayload } from '../../src/subscriptions/frames.js';

/** What graphql-ws's server sends for a `next` (server.ts of graphql-ws: emit.next). */
function graphqlWsFrame(id: string, result: ExecutionResult): string {
  const { errors, ...rest } = result;
  return stringifyMessage({ id, type: MessageType.Next, payload: { ...rest, ...(errors ? { errors: errors.map((e) => e.toJSON()) } : {}) } });
}

describe('graphql-ws next frames from a shared payload', () => {
  const results: ExecutionResult[] = [
    { data: { deviceChanged: { device: { id: 'RGV2aWNl', name: 'Room "A" \\ ünïcode ✓', isRecording: true }, changedFields: ['isRecording'] } } },
    { data: null },
    { data: { a: 1 }, extensions: { cost: 3 } },
  ];

  it('builds frames byte-identical to what graphql-ws sends, whatever the id', () => {
    for (const result of results) {
      const payload = sharedPayload(result)!;
      for (const id of ['1', 'e3c4-99', 'quote"and\\slash', 'ünï']) {
        expect(nextFrame(nextFramePrefix(id), payload)).toBe(graphqlWsFrame(id, result));
      }
    }
  });

  it('differs between subscribers only in the id', () => {
    const payload = sharedPayload(results[0]!)!;
    const a = JSON.parse(nextFrame(nextFramePrefix('a'), payload));
    const b = JSON.parse(nextFrame(nextFramePrefix('b'), payload));
    expect([a.id, b.id]).toEqual(['a', 'b']);
    expect(a.payload).toEqual(b.payload);
  });

  it('leaves a result with errors (even an empty list) to the per-subscriber path', () => {
    expect(sharedPayload({ data: null, errors: [new GraphQLError('boom')] })).toBeNull();
    expect(sharedPayload({ data: { a: 1 }, errors: [] })).toBeNull();
  });
});
