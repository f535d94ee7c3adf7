import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

const ids = new WeakMap<Request, string>();
const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The id of this request: the caller's x-request-id when it looks like one, else a new UUID. */
export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (!id) {
    const incoming = request.headers.get('x-request-id');
    id = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ids.set(request, id);
  }
  return id;
}

/** Returns the request id in the `x-request-id` header of every response. */
export function useRequestId(): Plugin {
  return {
    onResponse({ request, response }) {
      response.headers.set('x-request-id', requestIdOf(request));
    },
  };
}
