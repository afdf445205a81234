import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';

export type PersistedOperationsMode = 'allow' | 'require';

/** Documents registered by Apollo-style APQ clients (allow mode only), oldest dropped past this many. */
const MAX_REGISTERED = 1000;

/** operations/generated/persisted-documents.json, beside src/ and dist/ alike. */
export function loadManifest(url = new URL('../operations/generated/persisted-documents.json', import.meta.url)): Map<string, string> {
  const raw = JSON.parse(readFileSync(url, 'utf8')) as Record<string, string>;
  return new Map(Object.entries(raw).map(([id, text]) => [bareHash(id), text]));
}

/** Manifest ids read "sha256:<hex>"; APQ clients send the bare hex. Both name the same document. */
function bareHash(id: string): string {
  return id.startsWith('sha256:') ? id.slice('sha256:'.length) : id;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function apqHash(params: Pick<GraphQLParams, 'extensions'>): string | null {
  const pq = (params.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return pq?.version === 1 && typeof pq.sha256Hash === 'string' ? pq.sha256Hash : null;
}

/** `documentId` (GraphQL over HTTP's persisted documents) or the APQ hash, as a bare hash. */
function documentIdOf(params: GraphQLParams & { documentId?: unknown }): string | null {
  const id = typeof params.documentId === 'string' ? params.documentId : apqHash(params);
  return id === null ? null : bareHash(id);
}

const onlyPersisted = () =>
  createGraphQLError('this server runs persisted documents only: send "documentId" (operations/generated/persisted-documents.json) instead of "query"', {
    extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
  });

/**
 * Persisted documents by `documentId` or APQ hash, looked up in the manifest codegen writes. "allow": ad-hoc
 * operations run too, and APQ clients may register theirs (hash checked); "require": only manifest documents run.
 */
export function usePersistedDocuments(mode: PersistedOperationsMode, manifest: Map<string, string>): Plugin {
  const registered = new Map<string, string>();
  const known = new Set(manifest.values());
  const inner = usePersistedOperations<Record<string, unknown>>({
    allowArbitraryOperations: mode === 'allow',
    extractPersistedOperationId: (params) => documentIdOf(params),
    getPersistedOperation: (id) => manifest.get(id) ?? registered.get(id) ?? null,
    customErrors: {
      // Apollo's link re-sends the full query on this message
      notFound: { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
      keyNotFound: {
        message: 'send "documentId" or extensions.persistedQuery.sha256Hash',
        extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
      },
      persistedQueryOnly: onlyPersisted,
    },
  });
  return {
    onParams(payload) {
      const { params } = payload;
      // Neither query nor id: yoga's own "Must provide query string" answers (as the GraphQL over HTTP spec asks).
      if (mode === 'allow' && params.query == null && documentIdOf(params) === null) return;
      const hash = apqHash(params);
      if (mode === 'allow' && params.query && hash && sha256(params.query) === hash && !manifest.has(hash)) {
        if (registered.size >= MAX_REGISTERED) registered.delete(registered.keys().next().value!);
        registered.set(hash, params.query);
      }
      return inner.onParams?.(payload);
    },
    onParse(payload) {
      // graphql-ws operations skip onParams: in require mode their text must be a manifest document.
      const source = payload.params.source;
      if (mode === 'require' && !known.has(typeof source === 'string' ? source : source.body)) throw onlyPersisted();
      return inner.onParse?.(payload);
    },
    onValidate: inner.onValidate,
  };
}
