import type { IncomingMessage, ServerResponse } from 'node:http';
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

type NodeHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * The HTTP server's side of the body limit: a POST must declare its length, so that a chunked
 * body cannot stream past MAX_BODY_BYTES before anything is checked (411 otherwise).
 */
export function requireContentLength(handler: NodeHandler): NodeHandler {
  return (request, response) => {
    if (request.method !== 'POST' || request.headers['content-length'] !== undefined) return handler(request, response);
    const body = { errors: [{ message: 'Send a Content-Length: chunked request bodies are not accepted', extensions: { code: 'InvalidRequest' } }] };
    response.writeHead(411, { 'content-type': 'application/json', connection: 'close' });
    response.end(JSON.stringify(body));
    request.resume();
  };
}
