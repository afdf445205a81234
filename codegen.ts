import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Prints the code-first schema to schema.graphql, and compiles operations/*.graphql into TypedDocumentNode types and
 * the persisted-documents manifest the server accepts (operations/generated/, both committed), and the same documents
 * for the dashboard (web/src/generated/, committed): there each document is only its hash, since the page sends ids
 * over HTTP and reads the subscriptions' text from the manifest (web/vite.config.ts keeps just those). SCHEMA_OUT,
 * OPS_OUT and WEB_OUT redirect them for the drift check (scripts/schema-check.mjs).
 */
const opsOut = process.env.OPS_OUT ?? 'operations/generated/';
const webOut = process.env.WEB_OUT ?? 'web/src/generated/';
const operationsConfig = { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string', JSON: 'unknown' } };

const config: CodegenConfig = {
  schema: './src/schema/index.ts',
  generates: {
    [process.env.SCHEMA_OUT ?? 'schema.graphql']: {
      plugins: ['schema-ast'],
      config: { includeDirectives: true, sort: true },
    },
    [opsOut]: {
      documents: ['operations/*.graphql'],
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        // sha256 of the document text: the same id serves `documentId` and Apollo's persistedQuery.sha256Hash
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      config: operationsConfig,
    },
    [webOut]: {
      documents: ['operations/*.graphql'],
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        // the same sha256 ids as the server's manifest, with nothing else of the document in the bundle
        persistedDocuments: { mode: 'replaceDocumentWithHash', hashAlgorithm: 'sha256' },
      },
      config: operationsConfig,
    },
  },
  silent: true,
  errorsOnly: true,
};

export default config;
