import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Prints the code-first schema to schema.graphql, and compiles operations/*.graphql into TypedDocumentNode types and
 * the persisted-documents manifest the server accepts (operations/generated/, both committed). SCHEMA_OUT and OPS_OUT
 * redirect them for the drift check (scripts/schema-check.mjs).
 */
const opsOut = process.env.OPS_OUT ?? 'operations/generated/';

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
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string', JSON: 'unknown' } },
    },
  },
  silent: true,
  errorsOnly: true,
};

export default config;
