import { fileURLToPath } from 'node:url';
import { Kind, parse } from 'graphql';
import { defineConfig, type Plugin } from 'vite';

const manifestPath = fileURLToPath(new URL('src/generated/persisted-documents.json', import.meta.url));

/** Whether a document's text is a subscription (parsed, not pattern-matched). */
function isSubscription(text: string): boolean {
  return parse(text).definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === 'subscription');
}

/**
 * The page sends persisted document ids over HTTP and document text only for subscriptions (graphql-ws); the
 * generated documents (web/src/generated/, codegen's replaceDocumentWithHash) are already just their hash. So the
 * bundled manifest keeps only the subscriptions' text. `npm run schema:check` keeps web/src/generated/ current.
 */
function subscriptionTextsOnly(): Plugin {
  return {
    name: 'avgraph-subscription-texts-only',
    enforce: 'pre',
    transform(code, id) {
      if (id.split('?')[0] !== manifestPath) return null;
      const all = JSON.parse(code) as Record<string, string>;
      return JSON.stringify(Object.fromEntries(Object.entries(all).filter(([, text]) => isSubscription(text))));
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
  plugins: [subscriptionTextsOnly()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
  },
});
