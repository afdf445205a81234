import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import manifest from '../generated/persisted-documents.json';

/**
 * A generated document (web/src/generated/): codegen replaced it with the sha256 of its text, the id the server's
 * manifest knows it by, so no document text or AST is bundled.
 */
export type Doc<TData, TVars> = TypedDocumentNode<TData, TVars>;

export function documentId(doc: Doc<unknown, never>): string {
  return (doc as unknown as { __meta__: { hash: string } }).__meta__.hash;
}

/**
 * graphql-ws sends the text itself; the server accepts it in require mode because it is a manifest document. The
 * bundle holds the text of subscriptions only (web/vite.config.ts trims the manifest): HTTP operations send ids.
 */
export function documentText(doc: Doc<unknown, never>): string {
  const text = (manifest as Record<string, string>)[documentId(doc)];
  if (!text) throw new Error(`document ${documentId(doc)} is not in the persisted manifest (run npm run codegen)`);
  return text;
}
