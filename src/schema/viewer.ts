import { SCOPES } from '../config.js';
import { builder } from './builder.js';

const ScopeEnum = builder.enumType('Scope', {
  values: SCOPES.map((s) => s.toUpperCase()) as ['READ', 'CONTROL', 'ADMIN'],
  description: 'what an API key may do: READ queries and subscriptions, CONTROL devices, ADMIN sources and shares',
});

const ViewerRef = builder.objectRef<{ name: string; scopes: string[] }>('Viewer').implement({
  description: 'the caller, as its API key makes it: a client disables what its scopes do not allow',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'the API key\'s name ("anonymous" with open access)' }),
    scopes: t.field({ type: [ScopeEnum], resolve: (v) => v.scopes.map((s) => s.toUpperCase() as 'READ' | 'CONTROL' | 'ADMIN') }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: ViewerRef,
    resolve: (_r, _a, ctx) => ({ name: ctx.caller.name, scopes: SCOPES.filter((s) => ctx.caller.scopes.has(s)) }),
  }),
);
