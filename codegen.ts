import type { CodegenConfig } from '@graphql-codegen/cli';

/** Prints the code-first schema to schema.graphql (committed). SCHEMA_OUT redirects it for the drift check. */
const config: CodegenConfig = {
  schema: './src/schema/index.ts',
  generates: {
    [process.env.SCHEMA_OUT ?? 'schema.graphql']: {
      plugins: ['schema-ast'],
      config: { includeDirectives: true, sort: true },
    },
  },
  silent: true,
  errorsOnly: true,
};

export default config;
