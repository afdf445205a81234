import { authHeaders } from './key.ts';
import { documentId, type Doc } from './documents.ts';

/** Why a request failed: the key (show the key form), or anything else (show a banner). */
export class ApiError extends Error {
  constructor(
    readonly kind: 'unauthenticated' | 'forbidden' | 'http' | 'network' | 'graphql',
    message: string,
  ) {
    super(message);
  }

  get isAuth(): boolean {
    return this.kind === 'unauthenticated' || this.kind === 'forbidden';
  }
}

interface GraphQLErrorLike {
  message?: string;
  extensions?: { code?: string };
}

type Listener = (messages: string[]) => void;
const partialListeners = new Set<Listener>();

/** Errors that came with data (a source down while the others answered): the banner shows them. */
export function onPartialErrors(l: Listener): () => void {
  partialListeners.add(l);
  return () => partialListeners.delete(l);
}

function authError(errors: GraphQLErrorLike[] | undefined, status: number): ApiError | null {
  const codes = new Set((errors ?? []).map((e) => e.extensions?.code));
  if (status === 401 || codes.has('UNAUTHENTICATED')) return new ApiError('unauthenticated', 'the server needs an API key');
  if (status === 403 || codes.has('FORBIDDEN')) return new ApiError('forbidden', 'this API key may not read the fleet');
  return null;
}

/**
 * One persisted operation over HTTP: POST /graphql with its documentId (no query text), the key as a bearer token.
 * Answers the data; throws ApiError when there is none.
 */
export async function request<TData, TVars>(doc: Doc<TData, TVars>, variables?: TVars): Promise<TData> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...authHeaders() },
      body: JSON.stringify({ documentId: documentId(doc as Doc<unknown, never>), variables: variables ?? {} }),
    });
  } catch {
    throw new ApiError('network', 'avgraph cannot be reached');
  }
  type Body = { data?: TData | null; errors?: GraphQLErrorLike[] };
  let body: Body | null;
  try {
    body = (await res.json()) as Body;
  } catch {
    body = null;
  }
  const auth = authError(body?.errors, res.status);
  if (auth) throw auth;
  const messages = (body?.errors ?? []).map((e) => e.message ?? 'unknown error');
  if (body?.data) {
    if (messages.length) partialListeners.forEach((l) => l(messages));
    return body.data;
  }
  if (messages.length) throw new ApiError('graphql', messages.join('; '));
  throw new ApiError('http', `avgraph answered HTTP ${res.status}`);
}
