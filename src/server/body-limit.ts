import type { Plugin } from 'graphql-yoga';

/** Refuses (413) a request whose declared body is larger than `maxBytes`, before reading it. */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse }) {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length <= maxBytes) return;
      const body = { errors: [{ message: `Request body is larger than ${maxBytes} bytes`, extensions: { code: 'InvalidRequest' } }] };
      endResponse(new Response(JSON.stringify(body), { status: 413, headers: { 'content-type': 'application/json' } }));
    },
  };
}
