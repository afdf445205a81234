import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack } from '../helpers/stack.js';

describe('Apollo Federation subgraph', () => {
  const stack = new Stack();
  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  it('publishes its SDL with @key on every entity', async () => {
    const r = await stack.gql('{ _service { sdl } }');
    const sdl: string = r.data._service.sdl;
    for (const t of ['Device', 'Recording', 'Stream', 'Snapshot', 'Share', 'Source']) {
      expect(sdl).toMatch(new RegExp(`type ${t} implements Node[^{]*@key\\(fields: "id"`));
    }
  });

  it('resolves entity references by global id', async () => {
    const [dev] = await stack.deviceIds('cloud');
    const r = await stack.gql(
      `query($reps:[_Any!]!){ _entities(representations:$reps) { __typename ... on Device { name } ... on Source { name } } }`,
      { reps: [{ __typename: 'Device', id: dev!.id }, { __typename: 'Source', id: Buffer.from('Source:studio:AV_STUDIO').toString('base64') }] },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data._entities).toEqual([
      { __typename: 'Device', name: dev!.name },
      { __typename: 'Source', name: 'studio' },
    ]);
  });
});
