import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, Stack } from '../helpers/stack.js';

/**
 * The GraphQL-over-HTTP conformance audits of graphql-http, every one (MUST, SHOULD and MAY) expected "ok": once with
 * an API key on every request, once in open mode without any key.
 */
for (const mode of ['with an API key', 'open, without keys'] as const) {
  describe(`graphql-http server audits, ${mode}`, () => {
    const stack = new Stack({ open: mode !== 'with an API key', fleetSize: 2 });
    beforeAll(() => stack.start().then(() => undefined));
    afterAll(() => stack.close());

    const audits = serverAudits({
      url: () => `${stack.url}/graphql`,
      fetchFn: (input: RequestInfo | URL, init: RequestInit = {}) => {
        const headers = new Headers(init.headers);
        if (mode === 'with an API key') headers.set('authorization', `Bearer ${KEYS.reader}`);
        return fetch(input, { ...init, headers });
      },
    });
    it.each(audits.map((a) => [a.name, a] as const))('%s', async (_name, audit) => {
      const result = await audit.fn();
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
    });
  });
}
