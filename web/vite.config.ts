import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * The page sends persisted document ids over HTTP and document text only for subscriptions (graphql-ws). So the
 * generated documents keep just their `__meta__.hash` (their ASTs would be dead weight), and the manifest keeps just
 * the subscriptions' text. Types are untouched: they come from the same generated file.
 */
function persistedDocumentsOnly(): Plugin {
  return {
    name: 'avgraph-persisted-documents-only',
    enforce: 'pre',
    transform(code, id) {
      const path = id.split('?')[0]!;
      if (path.endsWith('/operations/generated/graphql.ts')) {
        return code.replace(
          /^(export const \w+Document = )\{"__meta__":\{"hash":"(sha256:[0-9a-f]+)"\}.*?( as unknown as DocumentNode<[^\n]*>;)$/gm,
          '$1{"__meta__":{"hash":"$2"}}$3',
        );
      }
      if (path.endsWith('/operations/generated/persisted-documents.json')) {
        const all = JSON.parse(code) as Record<string, string>;
        return JSON.stringify(Object.fromEntries(Object.entries(all).filter(([, text]) => /\bsubscription\s+\w+/.test(text))));
      }
      return null;
    },
  };
}

/**
 * The dashboard bundle: Preact with JSX through Vite's own transformer (no Babel preset), everything from npm
 * (offline), into dist/web where the server (src/dashboard.ts) reads it.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [persistedDocumentsOnly()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
  },
});
