import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, parse } from 'graphql';
import { defineConfig, parseAst, type Plugin } from 'vite';
import * as documents from './src/generated/graphql.ts';

const src = fileURLToPath(new URL('src/', import.meta.url));
const generated = `${src}generated/`;
const manifestPath = `${generated}persisted-documents.json`;
const documentsPath = `${generated}graphql.ts`;
const hashes = documents as Record<string, unknown> as Record<string, { __meta__?: { hash?: string } } | undefined>;

/** The operation type of each manifest document, read by parsing its text. */
function operationTypes(manifest: Record<string, string>): Map<string, string> {
  const types = new Map<string, string>();
  for (const [hash, text] of Object.entries(manifest)) {
    const op = parse(text).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (op) types.set(hash, op.operation);
  }
  return types;
}

/** The hashes of the generated documents the page's sources import (by parsing their import declarations). */
function importedDocumentHashes(): Set<string> {
  const found = new Set<string>();
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && !f.startsWith('generated/'));
  for (const file of files) {
    const program = parseAst(readFileSync(`${src}${file}`, 'utf8'), { lang: file.endsWith('x') ? 'tsx' : 'ts' }, file);
    for (const node of program.body) {
      if (node.type !== 'ImportDeclaration' || !node.source.value.endsWith('/generated/graphql.ts')) continue;
      for (const spec of node.specifiers) {
        if (spec.type !== 'ImportSpecifier' || spec.importKind === 'type') continue;
        const name = spec.imported.type === 'Identifier' ? spec.imported.name : String(spec.imported.value);
        const hash = hashes[name]?.__meta__?.hash;
        if (hash) found.add(hash);
      }
    }
  }
  return found;
}

/**
 * The page sends persisted document ids over HTTP and document text only for subscriptions (graphql-ws); the
 * generated documents (web/src/generated/, codegen's replaceDocumentWithHash) are already just their hash. So the
 * bundled manifest keeps only the text of the subscriptions the page imports, and the build fails when a document
 * the page uses has no text there (a stale web/src/generated/: run `npm run codegen`).
 */
function subscriptionTextsOnly(): Plugin {
  let types = new Map<string, string>();
  let imported = new Set<string>();
  return {
    name: 'avgraph-subscription-texts-only',
    enforce: 'pre',
    buildStart() {
      types = operationTypes(JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, string>);
      imported = importedDocumentHashes();
    },
    transform(code, id) {
      if (id.split('?')[0] !== manifestPath) return null;
      const all = JSON.parse(code) as Record<string, string>;
      return JSON.stringify(Object.fromEntries(Object.entries(all).filter(([hash]) => types.get(hash) === 'subscription' && imported.has(hash))));
    },
    generateBundle(_options, bundle) {
      const used = Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? (c.modules[documentsPath]?.renderedExports ?? []) : []));
      const missing = used.filter((name) => {
        const hash = hashes[name]?.__meta__?.hash;
        return name.endsWith('Document') && (!hash || !types.has(hash) || (types.get(hash) === 'subscription' && !imported.has(hash)));
      });
      if (missing.length) {
        this.error(
          `no document text in the bundled manifest for ${missing.join(', ')}: web/src/generated/ is stale (run \`npm run codegen\`) or the page imports it other than by name`,
        );
      }
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
